import XCTest
@testable import TorchCheckpoint

final class TorchCheckpointPlaceholderTests: XCTestCase {}
