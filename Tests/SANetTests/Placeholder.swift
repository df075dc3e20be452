import XCTest
@testable import SANet

final class SANetPlaceholderTests: XCTestCase {}
