import DocmergeCore
import DocmergeModel
import DocmergeNotify
import Foundation

struct NotifyTestCommand: Command {
    static let name = "test"
    static let summary = "send a sample event through the configured channels and say what happened"
    static let usage = """
        Usage: docmerge notify test [--config FILE]

        Sends one sample event (event "test", document id docmerge-notify-test, no patient
        data) through each channel the notify section configures: notify.command on its
        standard input, notify.webhook_url as a POST. Prints one line per channel saying
        whether it took the event. Needs no database; nothing is recorded.
        Exit 0 when every channel took it, 1 when one failed, 2 when none is configured.
        """
    static let options: Set<String> = ["config"]
    static var flags: Set<String> { [] }

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let config = try ConfigLoader.load(args.value("config"))
        let channels = Notifier.channels(for: config.notify)
        guard !channels.isEmpty else {
            throw DocmergeError(.usage, "No notification channel is configured: set notify.command or notify.webhook_url.")
        }
        let sample = NotificationBuilder(settings: config.notify).sample(now: Date())
        Output.out("sending: \(safe(sample.body))")
        var failed = false
        for channel in channels {
            let problem = await Task.detached {
                channel.deliver(NotificationRecordBody(eventID: sample.eventID, body: sample.body), timeout: config.notify.timeoutSeconds)
            }.value
            if let problem {
                failed = true
                Output.out("\(channel.name): FAILED: \(safe(problem))")
            } else {
                Output.out("\(channel.name): delivered (\(safe(channel.name == "command" ? config.notify.command.joined(separator: " ") : config.notify.webhookURL)))")
            }
        }
        return failed ? 1 : 0
    }
}
