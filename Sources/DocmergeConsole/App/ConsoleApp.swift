import DocmergeCore
import DocmergeModel
import Foundation

/// The console: routes a request to its page or action. One value shared by every worker
/// (sessions and the login throttle are thread-safe); each worker passes its own store.
public struct ConsoleApp: Sendable {
    public let config: ConsoleConfig
    public let sessions: SessionStore
    public let throttle: LoginThrottle
    let log: @Sendable (String) -> Void
    /// One console write at a time: the workers' write transactions queue here instead
    /// of all spinning on SQLite's busy handler against the runner (each still takes
    /// `BEGIN IMMEDIATE` and checks the version it read).
    let writes = WriteTurn()
    /// The dashboard's figures, shared by every worker for a few seconds (they scan every
    /// document; the page refreshes itself anyway).
    let metricsCache = MetricsCache(seconds: 3)

    public init(config: ConsoleConfig, log: @escaping @Sendable (String) -> Void) {
        self.config = config
        self.sessions = SessionStore(idleSeconds: config.sessionIdleSeconds, maxSeconds: config.sessionMaxSeconds)
        self.throttle = LoginThrottle()
        self.log = log
    }

    public static let sessionCookie = "dm_session"
    static let loginCookie = "dm_login"

    public func handle(_ request: HTTPRequest, store: RecordStore) -> HTTPResponse {
        do {
            return try route(request, store: store)
        } catch let error as HTTPError {
            return .error(error)
        } catch let error as DocmergeError {
            let status = switch error.kind {
            case .notFound: 404
            case .conflict: 409
            case .usage: 400
            case .failure: 500
            }
            if status == 500 { log("console: \(request.method.rawValue) \(request.path) failed: \(error.message)") }
            return .error(HTTPError(status, status == 500 ? "The console could not do that: \(error.message)" : error.message))
        } catch {
            log("console: \(request.method.rawValue) \(request.path) failed: \(error)")
            return .error(HTTPError(500, "The console could not do that; the server log says why."))
        }
    }

    func route(_ request: HTTPRequest, store: RecordStore) throws -> HTTPResponse {
        let path = request.path
        switch (request.method, path) {
        case (.get, "/healthz"):
            _ = try store.statusCounts()
            return .text("ok\n")
        case (.get, "/console.css"):
            var response = HTTPResponse.text(ConsoleStyle.css, type: "text/css; charset=utf-8")
            response.headers.append(("Cache-Control", "max-age=300"))
            return response
        case (.get, "/login"):
            return try loginPage(request, message: nil, status: 200)
        case (.post, "/login"):
            return try login(request, store: store)
        default:
            break
        }
        var session = sessions.session(request.cookies[Self.sessionCookie])
        if let current = session, try store.steward(named: current.name)?.updatedAt != current.accountStamp {
            // The account was removed or its password or role changed since sign-in.
            sessions.end(request.cookies[Self.sessionCookie])
            session = nil
        }
        if request.method == .get && path == "/metrics" {
            if session == nil && !(config.openMetricsOnLoopback && config.listen.isLoopback && request.peerIsLoopback && !request.isForwarded) {
                return .error(HTTPError(401, "Sign in to read the metrics, or read them on the loopback interface."))
            }
            return .text(try store.metrics(overdueDays: config.overdueDays).prometheus, type: "text/plain; version=0.0.4; charset=utf-8")
        }
        guard let session else {
            if request.method == .get, isPage(path) {
                return .redirect(HTML.link("/login", [("next", path == "/" ? nil : path)]))
            }
            return .error(HTTPError(401, "Your session has ended; sign in again."))
        }
        let viewer = Viewer(name: session.name, role: session.role, csrf: session.csrf)
        if request.method == .post {
            let form = try request.form(limits: config.limits)
            guard let token = form["csrf"], constantTimeEqual(Array(token.utf8), Array(session.csrf.utf8)) else {
                return .error(HTTPError(403, "This form is out of date or did not come from the console (its security token does not match); reload the page and try again."))
            }
            if path == "/logout" {
                sessions.end(request.cookies[Self.sessionCookie])
                return .redirect("/login", cookies: [cookie(Self.sessionCookie, "", maxAge: 0)])
            }
            guard viewer.canAct else {
                return .error(HTTPError(403, "Your account (\(viewer.name)) is a viewer account: it can read but not act on documents."))
            }
            return try DocumentActions(app: self, store: store, viewer: viewer).perform(path: path, form: form)
        }
        return try page(path, request: request, viewer: viewer, store: store)
    }

    func page(_ path: String, request: HTTPRequest, viewer: Viewer, store: RecordStore) throws -> HTTPResponse {
        switch path {
        case "/":
            return .html(try DashboardView(app: self, store: store, viewer: viewer).render())
        case "/documents/flagged/", "/documents/conflicts/", "/documents/sample/":
            let queue = DocumentListView.Queue(rawValue: String(path.dropFirst("/documents/".count).dropLast())) ?? .flagged
            let notice = request.query["done"].flatMap { DocumentActions.doneNotice($0, doc: request.query["doc"]) }
            return .html(try DocumentListView(app: self, store: store, viewer: viewer, queue: queue, query: request.query).render(notice: notice))
        case "/audit/":
            return .html(try AuditView(app: self, store: store, viewer: viewer, query: request.query).render())
        default:
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 5, parts[1] == "documents", parts[3] == "verify", parts[4].isEmpty {
                let id = String(parts[2])
                guard ExtractionDecoder.isValidDocumentID(id) else { throw HTTPError(404, "There is no such document.") }
                let notice = request.query["done"].flatMap { DocumentActions.doneNotice($0, doc: id) }
                return .html(try VerifyView(app: self, store: store, viewer: viewer, documentID: id).render(notice: notice.map { .init(text: $0, kind: "ok") }))
            }
            throw HTTPError(404, "There is no page at this address.")
        }
    }

    func isPage(_ path: String) -> Bool {
        path == "/" || path.hasPrefix("/documents/") || path.hasPrefix("/audit/")
    }

    /// A cookie: HttpOnly, SameSite=Strict, Path=/, Secure behind TLS.
    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> String {
        var text = "\(name)=\(value); Path=/; HttpOnly; SameSite=Strict"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if config.secureCookies { text += "; Secure" }
        return text
    }
}
