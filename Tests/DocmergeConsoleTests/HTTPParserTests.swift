@testable import DocmergeConsole
import Testing

@Suite struct HTTPParserTests {
    func parse(_ text: String, _ limits: HTTPLimits = HTTPLimits()) throws(HTTPError) -> RequestHead {
        try HTTPParser.parseHead(Array(text.utf8)[...], limits: limits)
    }

    func status(_ text: String, _ limits: HTTPLimits = HTTPLimits()) -> Int? {
        do { _ = try parse(text, limits); return nil } catch { return error.status }
    }

    @Test func parsesAStrictRequest() throws {
        let head = try parse("GET /documents/flagged/?mrn=MRN%2D1&reason=low+confidence HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\n\r\n")
        #expect(head.method == .get)
        #expect(head.path == "/documents/flagged/")
        #expect(head.query["mrn"] == "MRN-1" && head.query["reason"] == "low confidence")
        #expect(head.contentLength == 0)
    }

    @Test(arguments: [
        ("PUT / HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        ("DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        ("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("GET /\r\nHost: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: x\n\n", 400),
        ("GET /a/../b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /a/%2e%2E/b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /a/%2Fetc HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /%4 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /?q=%G1 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /a\\b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n", 400),
    ])
    func refusesWhatIsMalformed(request: String, expected: Int) {
        #expect(status(request) == expected)
    }

    @Test func limitsHeaderCountAndSize() {
        var limits = HTTPLimits()
        limits.maxHeaderCount = 3
        #expect(status("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits) == 431)
        limits = HTTPLimits()
        limits.maxRequestLine = 20
        #expect(status("GET /aaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: x\r\n\r\n", limits) == 414)
        #expect(throws: HTTPError.self) { try HTTPParser.checkPartial(Array(repeating: UInt8(ascii: "a"), count: 30), limits: limits) }
    }

    @Test func formsDecodeStrictly() throws {
        let form = try FormData.parse(Array("a=1&b=x+y%21&c=&d&e=line%0Abreak".utf8)[...], maxFields: 10)
        #expect(form["a"] == "1" && form["b"] == "x y!" && form["c"] == "" && form["d"] == "" && form["e"] == "line\nbreak")
        #expect(throws: HTTPError.self) { try FormData.parse(Array("a=%".utf8)[...], maxFields: 10) }
        #expect(throws: HTTPError.self) { try FormData.parse(Array("a=%C3%28".utf8)[...], maxFields: 10) }
        #expect(throws: HTTPError.self) { try FormData.parse(Array("a%0A=1".utf8)[...], maxFields: 10) }
        #expect(throws: HTTPError.self) { try FormData.parse(Array("a=1&b=2&c=3".utf8)[...], maxFields: 2) }
        #expect(PercentDecoding.encode("a b/é") == "a%20b%2F%C3%A9")
    }

    @Test func escapesEverythingThatCouldBreakOut() {
        #expect(HTML.escape("<script>alert('x')</script>&\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
    }

    @Test func listenAddressesAndLoopback() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:8470").isLoopback)
        #expect(try ListenAddress(parsing: "[::1]:8470").isLoopback)
        #expect(try !ListenAddress(parsing: "0.0.0.0:8470").isLoopback)
        #expect(throws: HTTPError.self) { try ListenAddress(parsing: "localhost:8470") }
        #expect(throws: HTTPError.self) { try ListenAddress(parsing: "127.0.0.1") }
    }

    @Test func nextPathsStayOnThisSite() {
        #expect(ConsoleApp.safeNext("/documents/flagged/") == "/documents/flagged/")
        #expect(ConsoleApp.safeNext("//evil.example/") == "/")
        #expect(ConsoleApp.safeNext("https://evil.example/") == "/")
        #expect(ConsoleApp.safeNext("/\\evil") == "/")
    }
}
