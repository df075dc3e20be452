import HTTPServer
import XCTest

/// Choosing among the media types a server produces from what the client's Accept header weighs.
final class AcceptHeaderTests: XCTestCase {
    private let offers = ["image/png", "image/jpeg", "image/webp"]

    private func preferred(_ values: String...) -> String? {
        AcceptHeader(values)?.preferred(among: offers)
    }

    func testTheHighestQualityWins() {
        XCTAssertEqual(preferred("image/webp;q=0.9, image/png;q=0.5"), "image/webp")
        XCTAssertEqual(preferred("image/png;q=0.1, image/jpeg;q=0.2"), "image/jpeg")
        XCTAssertEqual(preferred("image/jpeg; q=0.3 , image/webp ;q=0.25"), "image/jpeg")
    }

    func testTheMostSpecificRangeSetsAnOffersQuality() {
        XCTAssertEqual(preferred("image/*;q=0.5, image/webp"), "image/webp")
        XCTAssertEqual(preferred("*/*, image/png;q=0"), "image/jpeg", "q=0 refuses png even though */* takes it")
        XCTAssertEqual(preferred("image/png;q=0.2, */*;q=0.9"), "image/jpeg")
        XCTAssertEqual(preferred("image/*;q=0, image/webp;q=0.1"), "image/webp")
    }

    func testTiesGoToTheNamedTypeThenToTheServersOrder() {
        XCTAssertEqual(preferred("*/*"), "image/png")
        XCTAssertEqual(preferred("image/*"), "image/png")
        XCTAssertEqual(preferred("image/webp, image/jpeg"), "image/jpeg")
        XCTAssertEqual(preferred("image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"), "image/webp",
                       "a browser's Accept names WebP, which beats PNG matched by image/*")
    }

    func testNothingAcceptable() {
        XCTAssertNil(preferred("image/gif"))
        XCTAssertNil(preferred("text/html, application/json;q=0.9"))
        XCTAssertNil(preferred("image/png;q=0, image/jpeg;q=0, image/webp;q=0.000"))
        XCTAssertNil(preferred("garbage"))
    }

    func testMalformedRangesMatchNothing() {
        for header in ["image/png;q=2", "image/png;q=-1", "image/png;q=nan", "image/png;q=0.50001", "*/png", "/png", "image/"] {
            XCTAssertNil(preferred(header), header)
            XCTAssertEqual(preferred(header + ", image/jpeg;q=0.1"), "image/jpeg", header)
        }
    }

    func testCaseAndOtherParametersDoNotMatter() {
        XCTAssertEqual(preferred("IMAGE/WEBP"), "image/webp")
        XCTAssertEqual(preferred("image/webp;charset=x;Q=0.4, image/png;q=0.3"), "image/webp")
    }

    func testSeveralInstancesFormOneList() {
        XCTAssertEqual(preferred("image/png;q=0.2", "image/webp;q=0.3"), "image/webp")
    }

    func testNoHeaderOrAnEmptyOneTakesAnything() {
        XCTAssertNil(AcceptHeader([]))
        XCTAssertNil(AcceptHeader([""]))
        XCTAssertNil(AcceptHeader([" , "]))
    }
}
