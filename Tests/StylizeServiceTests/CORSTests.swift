import Foundation
@testable import StylizeService
import XCTest

/// Pages on other origins: allowed ones get the CORS headers on every answer (errors too), others none.
final class CORSTests: XCTestCase {
    let page = "https://app.example.com"

    func testAnAllowedOriginGetsTheHeadersOnSuccessAndOnErrors() throws {
        let harness = try ServiceHarness { $0.cors = CORSPolicy(list: "https://other.example, \(page)") }
        for (path, arguments, status) in [("/healthz", [String](), 200), ("/nowhere", [], 404),
                                          ("/v1/stylize", ["-F", "alpha=1"], 422), ("/healthz", ["-X", "DELETE"], 405)] {
            let response = try harness.curl(path, ["-H", "Origin: \(page)"] + arguments)
            XCTAssertEqual(response.status, status, path)
            XCTAssertEqual(response.headers["access-control-allow-origin"], page, path)
            XCTAssertEqual(response.headers["vary"], "Origin", path)
            XCTAssertEqual(response.headers["access-control-expose-headers"], "X-Request-ID, Retry-After, Sanet-Alpha", path)
            XCTAssertNotNil(response.headers["x-request-id"], path)
        }
    }

    func testAnotherOriginGetsNoPermission() throws {
        let harness = try ServiceHarness { $0.cors = CORSPolicy(list: page) }
        let response = try harness.curl("/healthz", ["-H", "Origin: https://evil.example"])
        XCTAssertEqual(response.status, 200)
        XCTAssertNil(response.headers["access-control-allow-origin"])
        XCTAssertEqual(response.headers["vary"], "Origin")
    }

    func testAnyOriginWithAStar() throws {
        let harness = try ServiceHarness { $0.cors = CORSPolicy(list: "*") }
        let response = try harness.curl("/readyz", ["-H", "Origin: https://anywhere.example"])
        XCTAssertEqual(response.headers["access-control-allow-origin"], "*")
        XCTAssertNil(response.headers["vary"])
    }

    func testCORSIsOffByDefault() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/healthz", ["-H", "Origin: \(page)"])
        XCTAssertNil(response.headers["access-control-allow-origin"])
        XCTAssertNil(response.headers["vary"])
    }

    func testAPreflightIsGrantedForTheRouteMethods() throws {
        let harness = try ServiceHarness { $0.cors = CORSPolicy(list: page) }
        let response = try harness.curl("/v1/stylize", ["-X", "OPTIONS", "-H", "Origin: \(page)",
                                                        "-H", "Access-Control-Request-Method: POST",
                                                        "-H", "Access-Control-Request-Headers: x-request-id"])
        XCTAssertEqual(response.status, 204)
        XCTAssertEqual(response.headers["access-control-allow-origin"], page)
        XCTAssertEqual(response.headers["access-control-allow-methods"], "POST, OPTIONS")
        XCTAssertEqual(response.headers["access-control-allow-headers"], "Content-Type, X-Request-ID")
        XCTAssertEqual(response.headers["access-control-max-age"], "600")
    }

    func testAPreflightFromAnotherOriginIsNotGranted() throws {
        let harness = try ServiceHarness { $0.cors = CORSPolicy(list: page) }
        let response = try harness.curl("/v1/stylize", ["-X", "OPTIONS", "-H", "Origin: https://evil.example",
                                                        "-H", "Access-Control-Request-Method: POST"])
        XCTAssertEqual(response.status, 204)
        XCTAssertNil(response.headers["access-control-allow-origin"])
        XCTAssertNil(response.headers["access-control-allow-methods"])
        XCTAssertEqual(response.headers["allow"], "POST, OPTIONS")
    }

    func testOriginsAreChecked() {
        var configuration = ServiceConfiguration(http: .init(), weightsDirectory: ServiceHarness.weights)
        for valid in ["*", "https://a.example", "http://localhost:3000"] {
            configuration.cors = CORSPolicy(list: valid)
            XCTAssertNoThrow(try configuration.validate(), valid)
        }
        for invalid in ["https://a.example/", "a.example", "https://"] {
            configuration.cors = CORSPolicy(list: invalid)
            XCTAssertThrowsError(try configuration.validate(), invalid)
        }
    }
}
