import DocmergeCore
import DocmergeModel
import Foundation

/// Sign-in and its page. The sign-in form is protected by a double-submit token (a
/// random cookie that the form must repeat), since there is no session yet.
extension ConsoleApp {
    /// Checked with a derivation of the same cost when the account does not exist, so the
    /// answer's timing does not tell which names exist.
    var decoyHash: PasswordHash {
        PasswordHash(salt: Array(repeating: 0, count: 16), iterations: config.decoyIterations, key: Array(repeating: 0, count: 32))
    }

    func loginPage(_ request: HTTPRequest, message: String?, status: Int, name: String = "") throws -> HTTPResponse {
        let token = try KernelRandom.token(16)
        let next = Self.safeNext(request.query["next"] ?? (try? request.form(limits: config.limits))?["next"])
        let body = """
        <div class="narrow-box">
        <h1>Sign in to docmerge review</h1>
        \(message.map { Layout.notice($0, kind: "error") } ?? "")
        <form method="post" action="/login" class="panel">
        <input type="hidden" name="csrf" value="\(HTML.escape(token))">
        <input type="hidden" name="next" value="\(HTML.escape(next))">
        <div class="field"><label for="name">Account name</label><input type="text" id="name" name="name" value="\(HTML.escape(name))" autocomplete="username" required autofocus></div>
        <div class="field"><label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required></div>
        <button type="submit">Sign in</button>
        </form>
        <p class="muted">Accounts are made by the operator with <code>docmerge stewards add</code>.</p>
        </div>
        """
        var response = HTTPResponse.html(Layout.page(title: "Sign in", viewer: nil, body: "<div class=\"login\">\(body)</div>")
            .replacingOccurrences(of: "<main>", with: "<main class=\"narrow\">"), status: status)
        response.headers.append(("Set-Cookie", cookie(Self.loginCookie, token)))
        return response
    }

    func login(_ request: HTTPRequest, store: RecordStore) throws -> HTTPResponse {
        let form = try request.form(limits: config.limits)
        guard let cookieToken = request.cookies[Self.loginCookie], let formToken = form["csrf"],
              constantTimeEqual(Array(cookieToken.utf8), Array(formToken.utf8)) else {
            return try loginPage(request, message: "The sign-in form had expired; please sign in again.", status: 403)
        }
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let client = request.client(trustingProxy: config.trustProxy)
        if let wait = throttle.wait(name: name, address: client) {
            log("console: sign-in refused for a while after repeated failures (\(client))")
            return try loginPage(request, message: "Too many failed sign-ins; try again in \(Int(wait / 60) + 1) minutes.", status: 429, name: name)
        }
        let account = StewardAccount.isValidName(name) ? try store.steward(named: name) : nil
        let stored = account.flatMap { a -> PasswordHash? in
            guard let salt = Self.bytes(hex: a.saltHex), let key = Self.bytes(hex: a.keyHex) else { return nil }
            return PasswordHash(salt: salt, iterations: a.iterations, key: key)
        }
        let valid = (stored ?? decoyHash).verify(password) && stored != nil
        guard valid, let account else {
            throttle.failed(name: name, address: client)
            log("console: failed sign-in from \(client)")
            return try loginPage(request, message: "Wrong account name or password.", status: 401, name: name)
        }
        throttle.succeeded(name: name)
        let token = try sessions.create(name: account.name, role: account.role, accountStamp: account.updatedAt)
        log("console: \(account.name) signed in (\(account.role.rawValue)) from \(client)")
        return .redirect(Self.safeNext(form["next"]), cookies: [cookie(Self.sessionCookie, token), cookie(Self.loginCookie, "", maxAge: 0)])
    }

    /// Only a local path, never another site (`//host`) or a scheme.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { return "/" }
        return next
    }

    static func bytes(hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = PercentDecoding.hex(utf8[i]), let lo = PercentDecoding.hex(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
