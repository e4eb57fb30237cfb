#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import DocmergeStressKit
import DocmergeTestSupport
import Foundation
import Testing

/// Requests an attacker (or a broken client) sends, against a real `docmerge serve`.
@Suite(.serialized) struct ConsoleHostileTests {
    func status(_ client: ConsoleClient, _ text: String) throws -> Int {
        try client.raw(Array(text.utf8)).status
    }

    @Test(.timeLimit(.minutes(3)))
    func malformedAndOversizedRequestsAreRefused() throws {
        let site = try ConsoleSite(documents: [ConsoleSite.flagged("f-1")])
        let serve = try ServeProcess(db: site.db, dir: site.dir)
        let c = serve.client()
        let host = "Host: 127.0.0.1\r\n"
        #expect(try status(c, "GET /\(String(repeating: "a", count: 9_000)) HTTP/1.1\r\n\(host)\r\n") == 414)
        let manyHeaders = (0..<100).map { "X-H\($0): v\r\n" }.joined()
        #expect(try status(c, "GET / HTTP/1.1\r\n\(host)\(manyHeaders)\r\n") == 431)
        #expect(try status(c, "GET / HTTP/1.1\r\n\(host)X-Big: \(String(repeating: "b", count: 20_000))\r\n\r\n") == 431)
        #expect(try status(c, "POST /login HTTP/1.1\r\n\(host)Content-Length: 10000000\r\n\r\n") == 413)
        // A body larger than allowed, actually sent: refused, and the answer still arrives.
        let big = String(repeating: "a=b&", count: 200_000)
        #expect(try status(c, "POST /login HTTP/1.1\r\n\(host)Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(big.utf8.count)\r\n\r\n\(big)") == 413)
        #expect(try status(c, "POST /login HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") == 411)
        let refusedMethod = try c.raw(Array("DELETE / HTTP/1.1\r\n\(host)\r\n".utf8))
        #expect(refusedMethod.status == 405 && refusedMethod.header("Allow") == "GET, POST")
        for method in ["PUT", "OPTIONS", "TRACE", "CONNECT", "HEAD"] {
            #expect(try status(c, "\(method) / HTTP/1.1\r\n\(host)\r\n") == 405)
        }
        #expect(try status(c, "GET /documents/%zz/verify/ HTTP/1.1\r\n\(host)\r\n") == 400)
        #expect(try status(c, "GET /documents/flagged/?mrn=%E0%A4 HTTP/1.1\r\n\(host)\r\n") == 400)
        #expect(try status(c, "GET / HTTP/1.1\r\n\r\n") == 400, "an HTTP/1.1 request needs its Host")
        #expect(try status(c, "GET / HTTP/1.1\n\(host)\n") == 400, "bare LF line endings")
        // No path reaches a file: dot segments, encoded or not, and file-like names.
        for path in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/documents/..%2f..%2fetc/verify/", "/console.css/..",
                     "/documents/%2E%2E/verify/"] {
            #expect(try status(c, "GET \(path) HTTP/1.1\r\n\(host)\r\n") == 400, "\(path)")
        }
        for path in ["/etc/passwd", "/db.sqlite", "/Package.swift"] {
            let r = try c.raw(Array("GET \(path) HTTP/1.1\r\n\(host)\r\n".utf8))
            #expect(r.status == 401 && !r.body.contains("root:") && !r.body.contains("SQLite"), "\(path)")
        }
        let alice = serve.client()
        #expect(try alice.login("alice", ConsoleSite.password).status == 303)
        for path in ["/etc/passwd", "/db.sqlite", "/documents/", "/documents/f-1/", "/documents/f-1/verify/x/"] {
            #expect(try alice.get(path).status == 404, "\(path)")
        }
        // Form bodies are decoded strictly too.
        let page = try alice.get("/documents/f-1/verify/")
        let csrf = try #require(ConsoleClient.field("csrf", in: page.body))
        #expect(try alice.request("POST", "/documents/f-1/mark-correct/", body: "csrf=\(csrf)&version=%G0").status == 400)
        #expect(try alice.request("POST", "/documents/f-1/mark-correct/", body: "csrf=\(csrf)&version=%C3").status == 400)
        #expect(try RecordStore(path: site.db).documentDetail("f-1").summary.status == .flagged)
        #expect(try c.get("/healthz").status == 200, "still serving")
        #expect(serve.stop() == 0)
    }

    @Test(.timeLimit(.minutes(3)))
    func slowClientsAndFloodsAreBounded() throws {
        let site = try ConsoleSite(documents: [ConsoleSite.flagged("f-1")])
        let serve = try ServeProcess(db: site.db, dir: site.dir, extra: ["--read-timeout", "2", "--max-connections", "3"])
        // One byte every 200 ms: the request would take ~20 s; the console drops it after 2 s.
        let fd = try ConsoleClient.connect(port: serve.port)
        let started = Date()
        var sentAll = true
        for byte in Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: \(String(repeating: "s", count: 80))\r\n\r\n".utf8) {
            guard ConsoleClient.send(fd, [byte]) else { sentAll = false; break }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 200) > 0 { sentAll = false; break }   // the server answered or closed
        }
        let answer = String(decoding: ConsoleClient.readAll(fd), as: UTF8.self)
        close(fd)
        #expect(!sentAll, "the trickling client was cut off")
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(80))")
        #expect(Date().timeIntervalSince(started) < 10)

        #expect(serve.stop() == 0)

        // Three stalled connections fill the console; a fourth is told 503 at once. (A console
        // of its own with a long read timeout, so the stalled ones cannot time out and free
        // their places while a loaded machine is slow to send the fourth.)
        let flooded = try ServeProcess(db: site.db, dir: site.dir, extra: ["--read-timeout", "60", "--max-connections", "3"])
        var idle: [Int32] = []
        for _ in 0..<3 {
            let fd = try ConsoleClient.connect(port: flooded.port)
            // One byte of a request that never ends: past the first-byte wait, held by the
            // 60 s whole-request limit.
            #expect(ConsoleClient.send(fd, Array("G".utf8)))
            idle.append(fd)
        }
        var saw503 = false
        #expect(eventually(30) {
            guard let r = try? flooded.client().get("/healthz") else { return false }
            saw503 = r.status == 503
            return saw503
        })
        for fd in idle { close(fd) }
        // Once they are gone, it serves again.
        #expect(eventually(30) { (try? flooded.client().get("/healthz").status) == 200 })
        #expect(flooded.stop() == 0)
    }

    /// Markup in a document's name, its patient's name, its MRN, its snippets, its entries and
    /// the reason a steward types is shown as text on every page, never as markup.
    @Test(.timeLimit(.minutes(3)))
    func injectedMarkupIsEscapedOnEveryPage() throws {
        let evil = "<script>alert(1)</script>"
        var doc = ConsoleSite.flagged("x-1", mrn: "MRN-<b>1</b>", name: "\(evil).pdf")
        doc.patientName = "<img src=x onerror=alert(2)>"
        doc.entries.append(.object([
            JSONMember("resource", .object([JSONMember("resourceType", .string("Observation")), JSONMember("status", .string("final")),
                                            JSONMember("code", .object([JSONMember("text", .string("\"><svg onload=alert(3)>"))]))])),
            JSONMember("snippet", .string("</textarea><script>alert(4)</script>")),
        ]))
        let site = try ConsoleSite(documents: [doc])
        let serve = try ServeProcess(db: site.db, dir: site.dir)
        let alice = serve.client()
        #expect(try alice.login("alice", ConsoleSite.password).status == 303)
        // A removal reason typed by a steward ends up in the audit page.
        let page = try alice.get("/documents/x-1/verify/")
        let csrf = try #require(ConsoleClient.field("csrf", in: page.body))
        let version = try #require(ConsoleClient.field("version", in: page.body))
        #expect(try alice.post("/documents/x-1/remove/", [("csrf", csrf), ("version", version), ("reason", "<iframe src=//evil>"), ("confirm", "yes")]).status == 303)

        let mrn = ConsoleClient.encode("MRN-<b>1</b>")
        for path in ["/", "/documents/flagged/?mrn=\(mrn)", "/documents/flagged/?reason=%3Cscript%3E", "/documents/x-1/verify/", "/audit/",
                     "/audit/?actor=%3Cscript%3E", "/audit/?mrn=\(mrn)", "/login?next=%22%3E%3Cscript%3E"] {
            let body = try alice.get(path).body
            for needle in ["<script>alert", "<img src=x", "<svg onload", "<iframe", "<b>1</b>", "\"><script>"] {
                #expect(!body.contains(needle), "\(path) carries \(needle) unescaped")
            }
        }
        let verify = try alice.get("/documents/x-1/verify/").body
        #expect(verify.contains("&lt;script&gt;alert(1)&lt;/script&gt;.pdf"))
        #expect(verify.contains("&lt;/textarea&gt;&lt;script&gt;alert(4)&lt;/script&gt;"))
        #expect(try alice.get("/audit/").body.contains("&lt;iframe src=//evil&gt;"))
        #expect(serve.stop() == 0)
    }
}
