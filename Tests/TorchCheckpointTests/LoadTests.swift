import Foundation
import XCTest
@testable import TorchCheckpoint

final class LoadTests: XCTestCase {
    private let specs = [
        ParameterSpec(key: "0.weight", shape: [4, 3, 1, 1]),
        ParameterSpec(key: "0.bias", shape: [4]),
        ParameterSpec(key: "2.weight", shape: [2, 4, 3, 3]),
        ParameterSpec(key: "2.bias", shape: [2]),
    ]

    private func checkpoints() throws -> [Checkpoint] {
        try ["sequential_zip.pt", "sequential_legacy.pt"].map { try Checkpoint(contentsOf: Fixtures.url($0)) }
    }

    func testLoadsExactlyTheExpectedParameters() throws {
        let expected = try XCTUnwrap(Fixtures.expected["sequential"])
        for checkpoint in try checkpoints() {
            let values = try checkpoint.load(expected: specs)
            XCTAssertEqual(Set(values.keys), Set(specs.map(\.key)))
            for spec in specs {
                XCTAssertEqual(values[spec.key], expected[spec.key]?.values, spec.key)
            }
        }
    }

    func testMissingKey() throws {
        for checkpoint in try checkpoints() {
            let error = checkpointError { _ = try checkpoint.load(expected: specs + [ParameterSpec(key: "5.weight", shape: [8, 2, 3, 3])]) }
            XCTAssertEqual(error?.file, checkpoint.file)
            XCTAssertEqual(error?.key, "5.weight")
            XCTAssertContains(error?.message, "missing key", "[8, 2, 3, 3]")
        }
    }

    func testUnexpectedKey() throws {
        for checkpoint in try checkpoints() {
            let error = checkpointError { _ = try checkpoint.load(expected: Array(specs.dropLast())) }
            XCTAssertEqual(error?.key, "2.bias")
            XCTAssertContains(error?.message, "unexpected key", "[2]", "float32")
        }
    }

    func testUnusedKeysAreSkipped() throws {
        for checkpoint in try checkpoints() {
            let values = try checkpoint.load(expected: Array(specs.dropLast()), unused: ["2.bias", "not.there"])
            XCTAssertEqual(Set(values.keys), ["0.weight", "0.bias", "2.weight"])
        }
    }

    func testWrongShape() throws {
        for checkpoint in try checkpoints() {
            var wrong = specs
            wrong[2] = ParameterSpec(key: "2.weight", shape: [2, 4, 1, 1])
            let error = checkpointError { _ = try checkpoint.load(expected: wrong) }
            XCTAssertEqual(error?.key, "2.weight")
            XCTAssertContains(error?.message, "wrong shape", "expected [2, 4, 1, 1]", "found [2, 4, 3, 3]")
        }
    }

    func testWrongDtype() throws {
        for name in ["dtypes_zip.pt", "dtypes_legacy.pt"] {
            let checkpoint = try Checkpoint(contentsOf: Fixtures.url(name))
            let error = checkpointError {
                _ = try checkpoint.load(expected: [ParameterSpec(key: "double", shape: [2, 2])],
                                        unused: ["float", "long", "half"])
            }
            XCTAssertEqual(error?.key, "double")
            XCTAssertContains(error?.message, "wrong dtype", "expected float32", "found float64")
            let floatsError = checkpointError { _ = try checkpoint.floats("long") }
            XCTAssertEqual(floatsError?.key, "long")
            XCTAssertContains(floatsError?.message, "expected float32", "found int64")
        }
    }

    func testUnknownKeyInFloats() throws {
        let checkpoint = try Checkpoint(contentsOf: Fixtures.url("sequential_zip.pt"))
        let error = checkpointError { _ = try checkpoint.floats("nope") }
        XCTAssertEqual(error?.key, "nope")
        XCTAssertContains(error?.message, "no such key", "'0.bias'")
    }
}
