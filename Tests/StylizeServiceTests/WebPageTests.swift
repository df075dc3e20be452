import Foundation
import ImageCodec
import XCTest

/// The web page, its scripts, and the paintings and sample photos it offers are served by the
/// service itself, ready for use offline.
final class WebPageTests: XCTestCase {
    func testThePageIsServedSelfContained() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertEqual(response.headers["cache-control"], "no-cache")
        XCTAssertTrue(response.text.contains("<form"))
        for external in ["http://", "https://", "//cdn", "@import"] {
            XCTAssertFalse(response.text.contains(external), "the page must not load \(external) resources")
        }
    }

    /// The policy allows scripts and styles from the service only, so the page carries none inline.
    func testThePolicyForbidsInlineScriptsAndStyles() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/")
        let policy = try XCTUnwrap(response.headers["content-security-policy"])
        for directive in ["default-src 'none'", "script-src 'self'", "style-src 'self'"] {
            XCTAssertTrue(policy.contains(directive), policy)
        }
        XCTAssertFalse(policy.contains("unsafe"), policy)
        XCTAssertNil(response.text.range(of: #"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+="#,
                                         options: .regularExpression), "the policy would block inline code")
    }

    /// Every script and stylesheet the page names, and every module those scripts import, is served.
    func testEveryFileThePageLoadsIsServed() throws {
        let harness = try ServiceHarness()
        var pending = Self.references(in: try harness.curl("/").text, pattern: #"(?:src|href)="(/web/[^"]+)""#)
        XCTAssertEqual(Set(pending), ["/web/page.css", "/web/page.js"])
        var served: Set<String> = []
        while let path = pending.popLast() {
            guard served.insert(path).inserted else { continue }
            let file = try harness.curl(path)
            XCTAssertEqual(file.status, 200, path)
            XCTAssertEqual(file.headers["content-type"],
                           path.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8", path)
            XCTAssertEqual(file.headers["cache-control"], "no-cache", path)
            for external in ["http://", "https://", "@import"] {
                XCTAssertFalse(file.text.contains(external), "\(path) must not load \(external) resources")
            }
            pending += Self.references(in: file.text, pattern: #"from "\./([^"]+)""#).map { "/web/\($0)" }
        }
        XCTAssertGreaterThan(served.count, 3, "page.js imports its modules")
        let contract = try harness.curl("/openapi.yaml").text
        let listed = Self.references(in: contract, pattern: #"enum: \[(page\.js[^\]]*)\]"#).first?
            .components(separatedBy: ", ").map { "/web/\($0)" }
        XCTAssertEqual(Set(listed ?? []), served, "openapi.yaml lists the files under /web/")
    }

    func testEveryCataloguedPaintingIsServed() throws {
        let harness = try ServiceHarness()
        let paintings = try catalogue(harness, "/v1/paintings", key: "paintings")
        XCTAssertEqual(paintings.compactMap { $0["name"] as? String }, ["starry", "wave", "composition_vii", "udnie", "wreck"])
        try assertServedJPEGs(paintings, harness)
    }

    func testEveryCataloguedSamplePhotoIsServedAndCredited() throws {
        let harness = try ServiceHarness()
        let samples = try catalogue(harness, "/v1/samples", key: "samples")
        XCTAssertEqual(samples.compactMap { $0["name"] as? String }, ["cat", "coffee", "rocket"])
        for sample in samples {
            for credit in ["title", "author", "licence"] {
                XCTAssertFalse((sample[credit] as? String ?? "").isEmpty, "\(sample) lacks its \(credit)")
            }
        }
        try assertServedJPEGs(samples, harness)
    }

    func testUnknownBundledFilesAreProblemsThatSayWhereTheNamesAre() throws {
        let harness = try ServiceHarness()
        for (path, hint) in [("/paintings/mona_lisa.jpg", "/v1/paintings"), ("/samples/../catalog.json", "/v1/samples"),
                             ("/samples/catalog.json", "/v1/samples"), ("/web/index.html", "the page at /")] {
            let response = try harness.curl(path, ["--path-as-is"])
            XCTAssertEqual(response.status, 404, path)
            XCTAssertEqual(response.headers["content-type"], "application/problem+json", path)
            XCTAssertTrue(response.text.contains(hint), "\(path): \(response.text)")
        }
    }

    func testStaticRoutesAreCountedUnderTheirRoute() throws {
        let harness = try ServiceHarness()
        _ = try harness.curl("/paintings/wave.jpg")
        _ = try harness.curl("/samples/cat.jpg")
        let metrics = try harness.curl("/metrics")
        for route in ["/paintings/", "/samples/"] {
            XCTAssertTrue(metrics.text.contains(#"sanet_http_requests_total{route="\#(route)",method="GET",status="200"} 1"#),
                          metrics.text)
        }
    }

    private static func references(in text: String, pattern: String) -> [String] {
        let expression = try! NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    private func catalogue(_ harness: ServiceHarness, _ path: String, key: String) throws -> [[String: Any]] {
        let response = try harness.curl(path)
        XCTAssertEqual(response.status, 200, path)
        XCTAssertEqual(response.headers["content-type"], "application/json", path)
        return try XCTUnwrap(response.json[key] as? [[String: Any]], path)
    }

    /// Each entry's url answers a small cacheable JPEG whose longer side is at most 512 pixels.
    private func assertServedJPEGs(_ entries: [[String: Any]], _ harness: ServiceHarness) throws {
        for entry in entries {
            let url = try XCTUnwrap(entry["url"] as? String)
            let image = try harness.curl(url)
            XCTAssertEqual(image.status, 200, url)
            XCTAssertEqual(image.headers["content-type"], "image/jpeg", url)
            XCTAssertEqual(image.headers["cache-control"], "public, max-age=86400", url)
            XCTAssertEqual(Array(image.body.prefix(3)), [0xFF, 0xD8, 0xFF], url)
            XCTAssertLessThan(image.body.count, 150_000, url)
            let header = try ImageDecoder().header(of: Array(image.body))
            XCTAssertLessThanOrEqual(max(header.width, header.height), 512, url)
        }
    }
}
