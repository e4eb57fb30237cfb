import DocmergeCore
import DocmergeModel

struct ConfigCheckCommand: Command {
    static let name = "check"
    static let summary = "validate a config file and print the effective configuration as JSON"
    static let usage = """
        Usage: docmerge config check [--config FILE]

        Reads FILE (else DOCMERGE_CONFIG, else the built-in defaults), validates every key, and
        prints the effective configuration as JSON on standard output: every setting, defaults
        filled in. An unknown key, a value of the wrong type or out of range is refused with
        one sentence naming the key and what it allows (exit 2), exactly as `docmerge run`
        would refuse to start.
        """
    static let options: Set<String> = ["config"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let config = try ConfigLoader.load(args.value("config"))
        Output.bytes(Array((config.prettyText() + "\n").utf8))
        return 0
    }
}
