import XCTest
@testable import ImageCodec

final class ImageCodecPlaceholderTests: XCTestCase {}
