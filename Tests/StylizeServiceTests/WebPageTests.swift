import Foundation
import XCTest

/// The web page and the paintings it offers are served by the service itself, ready for use offline.
final class WebPageTests: XCTestCase {
    func testThePageIsServedSelfContained() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertEqual(response.headers["cache-control"], "no-cache")
        XCTAssertTrue(response.headers["content-security-policy"]?.contains("default-src 'none'") ?? false)
        XCTAssertTrue(response.text.contains("<form"))
        for external in ["http://", "https://", "//cdn", "@import"] {
            XCTAssertFalse(response.text.contains(external), "the page must not load \(external) resources")
        }
    }

    func testEveryCataloguedPaintingIsServed() throws {
        let harness = try ServiceHarness()
        let catalog = try harness.curl("/v1/paintings")
        XCTAssertEqual(catalog.status, 200)
        let paintings = try XCTUnwrap(catalog.json["paintings"] as? [[String: Any]])
        XCTAssertEqual(paintings.compactMap { $0["name"] as? String },
                       ["starry", "wave", "composition_vii", "udnie", "wreck"])
        for painting in paintings {
            let url = try XCTUnwrap(painting["url"] as? String)
            let image = try harness.curl(url)
            XCTAssertEqual(image.status, 200, url)
            XCTAssertEqual(image.headers["content-type"], "image/jpeg", url)
            XCTAssertEqual(image.headers["cache-control"], "public, max-age=86400", url)
            XCTAssertEqual(Array(image.body.prefix(3)), [0xFF, 0xD8, 0xFF], url)
            XCTAssertLessThan(image.body.count, 150_000, url)
        }
    }

    func testAnUnknownPaintingIsAProblem() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/paintings/mona_lisa.jpg")
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(response.headers["content-type"], "application/problem+json")
        XCTAssertTrue(response.text.contains("/v1/paintings"))
    }

    func testStaticRoutesAreCountedUnderTheirRoute() throws {
        let harness = try ServiceHarness()
        _ = try harness.curl("/paintings/wave.jpg")
        let metrics = try harness.curl("/metrics")
        XCTAssertTrue(metrics.text.contains(#"sanet_http_requests_total{route="/paintings/",method="GET",status="200"} 1"#),
                      metrics.text)
    }
}
