import XCTest
@testable import HTTPServer

/// The server as a real client speaks to it.
final class CurlTests: XCTestCase {
    private var server: TestServer!
    private var base: String { "http://127.0.0.1:\(server.port)" }

    override func setUpWithError() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"),
                      "curl is not installed (scripts/install-dependencies.sh --test installs it)")
        server = try TestServer(routes: standardRoutes)
    }

    override func tearDown() {
        if let server { XCTAssertTrue(server.stop()) }
    }

    func testMultipartUploadWithContinue() throws {
        let file = try temporaryFile(size: 1_500_000, name: "photo.png")
        let result = try curl(["-F", "image=@\(file.path);type=image/png", "-F", "style=mosaic",
                               "-w", "\n%{http_code}", "\(base)/upload"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.output, "image:photo.png:image/png:1500000\nstyle:-:-:6\n200")
        // The entry is written once the response is out, which curl may see first.
        XCTAssertTrue(server.eventually { server.accessLog.first?.status == .ok })
    }

    func testMultipartUploadWithoutContinue() throws {
        let file = try temporaryFile(size: 70_000)
        let result = try curl(["-H", "Expect:", "-F", "file=@\(file.path)", "\(base)/upload"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.output, "file:upload.bin:application/octet-stream:70000")
    }

    func testRejectedUploadIsAnsweredWithoutSendingTheBody() throws {
        let file = try temporaryFile(size: 9_000_000)
        let result = try curl(["-H", "Expect: 100-continue", "-F", "file=@\(file.path)", "-w", "\n%{http_code} %{size_upload}", "\(base)/upload"])
        XCTAssertEqual(result.status, 0, result.error)
        let lines = result.output.split(separator: "\n")
        XCTAssertEqual(lines.last?.split(separator: " ").first, "413")
        XCTAssertLessThan(Int(lines.last?.split(separator: " ").last ?? "") ?? .max, 9_000_000)
    }

    func testKeepAliveAcrossTwoURLs() throws {
        let result = try curl(["-v", "\(base)/hello", "\(base)/query?a=b"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.output, "hello/query|a=b")
        XCTAssertTrue(result.error.contains("Re-using existing connection") || result.error.contains("Reusing existing connection"), result.error)
        XCTAssertEqual(server.server.statistics.acceptedConnections, 1)
    }

    func testHTTP10() throws {
        let result = try curl(["--http1.0", "-i", "\(base)/hello"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.hasPrefix("HTTP/1.1 200 OK"))
        XCTAssertTrue(result.output.contains("Connection: close"))
        XCTAssertTrue(result.output.hasSuffix("hello"))
    }

    func testHeadRequest() throws {
        let result = try curl(["-I", "\(base)/hello"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("Content-Length: 5"))
    }

    func testChunkedUpload() throws {
        let result = try curl(["-H", "Transfer-Encoding: chunked", "-H", "Content-Type: text/plain", "--data-binary", "streamed body", "\(base)/echo"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.output, "streamed body")
    }
}
