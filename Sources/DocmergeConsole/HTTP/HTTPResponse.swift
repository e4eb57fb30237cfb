import Foundation

/// A response. Every one closes the connection (one request per connection keeps the
/// worker model simple and bounds what a client can hold) and carries the security
/// headers: no caching, no framing, no sniffing, a policy that allows only this origin's
/// stylesheet and forms, and no scripts at all.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func html(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(text.utf8))
    }

    public static func text(_ text: String, status: Int = 200, type: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", type)], body: Array(text.utf8))
    }

    /// 303 See Other: after a form, the browser fetches the page with GET.
    public static func redirect(_ location: String, cookies: [String] = []) -> HTTPResponse {
        var headers = [("Location", location), ("Content-Type", "text/plain; charset=utf-8")]
        for cookie in cookies { headers.append(("Set-Cookie", cookie)) }
        return HTTPResponse(status: 303, headers: headers, body: Array("See \(location)\n".utf8))
    }

    public static func error(_ error: HTTPError) -> HTTPResponse {
        var response = html(ErrorPage.html(status: error.status, message: error.message), status: error.status)
        if error.status == 405 { response.headers.append(("Allow", "GET, POST")) }
        return response
    }

    public static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]

    public var serialized: [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        var all = headers
        for header in Self.securityHeaders where !all.contains(where: { $0.0 == header.0 }) { all.append(header) }
        all.append(("Content-Length", String(body.count)))
        all.append(("Connection", "close"))
        for (name, value) in all {
            // Header values this program builds never hold CR or LF; drop them if one ever does.
            let clean = value.filter { $0 != "\r" && $0 != "\n" }
            head += "\(name): \(clean)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 303: "See Other"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }
}

/// The page for a refused request: the status and one sentence, nothing else.
enum ErrorPage {
    static func html(status: Int, message: String) -> String {
        """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>\(status) \(HTML.escape(HTTPResponse.reason(status)))</title>
        <link rel="stylesheet" href="/console.css"></head><body><main class="narrow"><h1>\(status) \(HTML.escape(HTTPResponse.reason(status)))</h1>
        <p>\(HTML.escape(message))</p><p><a href="/">Back to the dashboard</a></p></main></body></html>
        """
    }
}
