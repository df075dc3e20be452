import Foundation
import XCTest
@testable import TorchCheckpoint

final class ReadingTests: XCTestCase {
    /// Every fixture must read back exactly what PyTorch wrote, in both formats.
    private func assertMatchesExpected(_ fileName: String, _ stem: String,
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        let checkpoint = try Checkpoint(contentsOf: Fixtures.url(fileName))
        let expected = try XCTUnwrap(Fixtures.expected[stem], file: file, line: line)
        XCTAssertEqual(Set(checkpoint.tensors.keys), Set(expected.keys), fileName, file: file, line: line)
        for (key, tensor) in expected {
            XCTAssertEqual(checkpoint.tensors[key], TensorInfo(shape: tensor.shape, dtype: tensor.dtype),
                           "\(fileName) \(key)", file: file, line: line)
            if let values = tensor.values {
                XCTAssertEqual(try checkpoint.floats(key), values, "\(fileName) \(key)", file: file, line: line)
            }
        }
    }

    func testSequentialBothFormats() throws {
        try assertMatchesExpected("sequential_zip.pt", "sequential")
        try assertMatchesExpected("sequential_legacy.pt", "sequential")
        let zip = try Checkpoint(contentsOf: Fixtures.url("sequential_zip.pt"))
        let legacy = try Checkpoint(contentsOf: Fixtures.url("sequential_legacy.pt"))
        XCTAssertEqual(zip.tensors["0.weight"], TensorInfo(shape: [4, 3, 1, 1], dtype: "float32"))
        XCTAssertEqual(zip.tensors, legacy.tensors)
        for key in zip.tensors.keys {
            XCTAssertEqual(try zip.floats(key), try legacy.floats(key), key)
        }
    }

    /// The top folder is found by data.pkl's suffix, whatever torch version named it.
    func testArchiveFolderName() throws {
        try assertMatchesExpected("archive_zip.pt", "sequential")
    }

    /// Transposed and sliced tensors sharing storages, a 0-d tensor and an empty one.
    func testViewsBothFormats() throws {
        try assertMatchesExpected("views_zip.pt", "views")
        try assertMatchesExpected("views_legacy.pt", "views")
        let checkpoint = try Checkpoint(contentsOf: Fixtures.url("views_zip.pt"))
        XCTAssertEqual(checkpoint.tensors["transposed"]?.shape, [5, 3])
        XCTAssertEqual(checkpoint.tensors["scalar"]?.shape, [])
        XCTAssertEqual(try checkpoint.floats("scalar"), [3.5])
        XCTAssertEqual(try checkpoint.floats("empty"), [])
    }

    /// Python 2 strings, `_rebuild_tensor`, OrderedDict items as an argument and a storage view, as in
    /// checkpoints from torch 0.3.
    func testOldStyleLegacy() throws {
        try assertMatchesExpected("old_style_legacy.pt", "old_style")
    }

    func testDtypesAreReported() throws {
        for name in ["dtypes_zip.pt", "dtypes_legacy.pt"] {
            try assertMatchesExpected(name, "dtypes")
            let checkpoint = try Checkpoint(contentsOf: Fixtures.url(name))
            XCTAssertEqual(checkpoint.tensors["double"], TensorInfo(shape: [2, 2], dtype: "float64"))
            XCTAssertEqual(checkpoint.tensors["long"], TensorInfo(shape: [3], dtype: "int64"))
            XCTAssertEqual(checkpoint.tensors["half"], TensorInfo(shape: [2], dtype: "float16"))
            XCTAssertEqual(try checkpoint.floats("float"), [1.5, -2.0])
        }
    }

    func testEmptyStateDict() throws {
        for name in ["empty_zip.pt", "empty_legacy.pt"] {
            let checkpoint = try Checkpoint(contentsOf: Fixtures.url(name))
            XCTAssertTrue(checkpoint.tensors.isEmpty)
            XCTAssertEqual(try checkpoint.load(expected: []), [:])
        }
    }

    func testFileIsThePathAsGiven() throws {
        let url = Fixtures.url("sequential_zip.pt")
        XCTAssertEqual(try Checkpoint(contentsOf: url).file, url.path)
    }
}
