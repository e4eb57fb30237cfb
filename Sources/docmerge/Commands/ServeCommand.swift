import DocmergeConsole
import DocmergeCore
import DocmergeModel
import DocmergePipeline
import Foundation

struct ServeCommand: Command {
    static let name = "serve"
    static let summary = "the stewards' review console in a browser"
    static let usage = """
        Usage: docmerge serve --db FILE [--listen 127.0.0.1:8470] [--allow-remote] [--secure-cookies] [--trust-proxy]
                              [--config FILE] [--session-minutes N] [--metrics open|signed-in]
                              [--max-connections N] [--read-timeout SECONDS]

        Serves the review console over HTTP/1.1: the dashboard at /, the flagged queue at
        /documents/flagged/, one document at /documents/<id>/verify/, the audit trail at /audit/,
        Prometheus metrics at /metrics and /healthz. Sign in with an account made by
        `docmerge stewards add`. Runs beside `docmerge run` on the same database.

          --listen HOST:PORT   where to listen (default 127.0.0.1:8470; port 0 picks a free one).
                               An address other than loopback also needs --allow-remote: put a
                               TLS reverse proxy in front instead (Runbook, "Review console").
          --secure-cookies     mark cookies Secure (set it when a TLS proxy is in front)
          --trust-proxy        count failed sign-ins per the client the proxy names in
                               X-Forwarded-For (set it behind the reverse proxy; without a proxy
                               a client could name any address)
          --session-minutes N  sign a session out after N idle minutes (default 30; at most 12 h)
          --metrics MODE       open: /metrics needs no sign-in from loopback clients when listening
                               on loopback and the request was not forwarded by a proxy (default);
                               signed-in: always needs a session
          --max-connections N  connections served at once (default 64); more are answered 503
          --read-timeout S     seconds a client has to send its whole request (default 10)

        Stops cleanly on SIGTERM or SIGINT (requests being served finish).
        """
    static let options: Set<String> = ["db", "listen", "config", "session-minutes", "metrics", "max-connections", "read-timeout"]
    static let flags: Set<String> = ["allow-remote", "secure-cookies", "trust-proxy"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let db = try args.database()
        let listen: ListenAddress
        do { listen = try ListenAddress(parsing: args.value("listen") ?? "127.0.0.1:8470") } catch {
            throw DocmergeError(.usage, error.message)
        }
        if !listen.isLoopback && !args.flag("allow-remote") {
            throw DocmergeError(.usage, "Listening on \(listen) exposes the console beyond this machine; add --allow-remote if that is meant (a TLS reverse proxy in front is the safe way).")
        }
        let settings = try ConfigLoader.load(args.value("config"))
        var config = ConsoleConfig(databasePath: db, listen: listen)
        config.secureCookies = args.flag("secure-cookies")
        config.trustProxy = args.flag("trust-proxy")
        config.overdueDays = settings.pipeline.overdueDays
        config.sampleRate = settings.pipeline.sampleRate
        config.decoder = ExtractionDecoder(maxBytes: settings.pipeline.maxFileBytes, maxDepth: settings.pipeline.maxDepth)
        if let minutes = args.value("session-minutes") {
            guard let m = Double(minutes), m > 0, m <= 720 else { throw DocmergeError(.usage, "--session-minutes takes a number of minutes from 0 to 720.") }
            config.sessionIdleSeconds = m * 60
        }
        switch args.value("metrics") ?? "open" {
        case "open": config.openMetricsOnLoopback = true
        case "signed-in": config.openMetricsOnLoopback = false
        default: throw DocmergeError(.usage, "--metrics takes open or signed-in.")
        }
        if let n = try args.int("max-connections") {
            guard (1...1024).contains(n) else { throw DocmergeError(.usage, "--max-connections takes a number from 1 to 1024.") }
            config.limits.maxConnections = n
        }
        if let text = args.value("read-timeout") {
            guard let s = Double(text), s > 0, s <= 300 else { throw DocmergeError(.usage, "--read-timeout takes seconds from 0 to 300.") }
            config.limits.readSeconds = s
            config.limits.idleSeconds = min(config.limits.idleSeconds, s)
        }
        let store = try RecordStore.open(db)
        let accounts = try store.stewards()
        if let slowest = accounts.map(\.iterations).max() { config.decoyIterations = slowest }
        let listener: Listener
        do { listener = try Listener(listen) } catch { throw DocmergeError(.failure, error.message) }
        if !listen.isLoopback {
            Output.err("docmerge serve: WARNING: listening on \(listen), beyond this machine; cookies and passwords need TLS in front (--secure-cookies).")
        }
        if accounts.isEmpty {
            Output.err("docmerge serve: no accounts yet; add one with `docmerge stewards add NAME --db \(db)`.")
        }
        let app = ConsoleApp(config: config, log: { Output.err($0) })
        let server = HTTPServer(listener: listener, limits: config.limits, log: { Output.err($0) }) {
            // A longer busy wait than the commands': a steward's action waits out the runner's
            // bursts rather than failing (reads never wait: WAL).
            let store = try RecordStore(path: db, busyTimeoutMs: 20_000)
            return { request in app.handle(request, store: store) }
        }
        let watcher = SignalWatcher()
        let finished = DispatchSemaphore(value: 0)
        Thread {
            server.run()
            finished.signal()
        }.start()
        let host = listen.isIPv6 ? "[\(listen.host)]" : listen.host
        Output.out("docmerge serve: listening on http://\(host):\(listener.boundPort)/ (database \(db))")
        for await _ in watcher.signals { break }
        Output.err("docmerge serve: stopping")
        server.stop()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                finished.wait()
                done.resume()
            }.start()
        }
        Output.err("docmerge serve: stopped")
        return 0
    }
}
