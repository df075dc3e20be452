import Foundation
import XCTest
@testable import TorchCheckpoint

final class ErrorTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try Fixtures.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: dir)
    }

    private func openError(_ url: URL, file: StaticString = #filePath, line: UInt = #line) -> CheckpointError? {
        let error = checkpointError({ _ = try Checkpoint(contentsOf: url) }, file: file, line: line)
        XCTAssertEqual(error?.file, url.path, file: file, line: line)
        return error
    }

    /// `bytes` with the first occurrence of `pattern` starting with `replacement`; returns the offset too.
    private func patched(_ bytes: [UInt8], _ pattern: String, with replacement: UInt8) throws -> ([UInt8], Int) {
        let needle = Array(pattern.utf8)
        let offset = try XCTUnwrap((0...(bytes.count - needle.count)).first {
            Array(bytes[$0..<$0 + needle.count]) == needle
        })
        var copy = bytes
        copy[offset] = replacement
        return (copy, offset)
    }

    func testMissingFile() {
        let url = dir.appendingPathComponent("nowhere.pth")
        let error = openError(url)
        XCTAssertNil(error?.key)
        XCTAssertContains(error?.message, "no such file", "expected the checkpoint at \(url.path)")
    }

    func testNotACheckpoint() throws {
        let text = try Fixtures.write(Array("<html>hello</html>".utf8), named: "page.pth", in: dir)
        XCTAssertContains(openError(text)?.message, "not a PyTorch checkpoint", "found bytes 3c 68 74 6d")
        let empty = try Fixtures.write([], named: "empty.pth", in: dir)
        XCTAssertContains(openError(empty)?.message, "not a PyTorch checkpoint", "empty file")
        let plainPickle = try Fixtures.write([0x80, 0x02, 0x5d, 0x2e], named: "list.pth", in: dir)
        XCTAssertContains(openError(plainPickle)?.message, "not a PyTorch checkpoint", "list of 0 items", "magic number")
        XCTAssertContains(openError(dir)?.message, "found a directory")
    }

    func testTruncatedZip() throws {
        let bytes = try Fixtures.bytes("sequential_zip.pt")
        let url = try Fixtures.write(Array(bytes.prefix(bytes.count / 2)), named: "cut.pth", in: dir)
        XCTAssertContains(openError(url)?.message, "truncated or corrupt zip archive", "(\(bytes.count / 2) bytes)")
    }

    func testTruncatedLegacyHeader() throws {
        let bytes = try Fixtures.bytes("sequential_legacy.pt")
        let url = try Fixtures.write(Array(bytes.prefix(60)), named: "cut.pth", in: dir)
        XCTAssertContains(openError(url)?.message, "corrupt pickle", "remain")
    }

    /// Cutting the last storage short only breaks the tensors that use it; the rest still load, and
    /// `unused` keys are never read.
    func testTruncatedLegacyStorageOnlyFailsItsTensors() throws {
        let bytes = try Fixtures.bytes("sequential_legacy.pt")
        let url = try Fixtures.write(Array(bytes.dropLast(4)), named: "cut.pth", in: dir)
        let checkpoint = try Checkpoint(contentsOf: url)
        var failed: [String] = []
        for key in checkpoint.tensors.keys.sorted() {
            do {
                _ = try checkpoint.floats(key)
            } catch let error as CheckpointError {
                failed.append(key)
                XCTAssertEqual(error.file, url.path)
                XCTAssertEqual(error.key, key)
                XCTAssertContains(error.message, "truncated file", "bytes are available", "the file is \(bytes.count - 4) bytes")
            }
        }
        XCTAssertEqual(failed.count, 1)
        let cut = try XCTUnwrap(failed.first)
        let expected = checkpoint.tensors.filter { $0.key != cut }.map { ParameterSpec(key: $0.key, shape: $0.value.shape) }
        XCTAssertEqual(try checkpoint.load(expected: expected, unused: [cut]).count, 3)
    }

    func testUnknownOpcode() throws {
        let legacy = try Fixtures.bytes("sequential_legacy.pt")
        let (corrupt, offset) = try patched(legacy, "ccollections\nOrderedDict", with: 0xff)
        let url = try Fixtures.write(corrupt, named: "opcode.pth", in: dir)
        XCTAssertContains(openError(url)?.message, "corrupt pickle", "unknown opcode 0xff at offset \(offset)")
    }

    func testStackUnderflowInZip() throws {
        let zip = try Fixtures.bytes("sequential_zip.pt")
        let (corrupt, _) = try patched(zip, "ccollections\nOrderedDict", with: UInt8(ascii: "R"))
        let url = try Fixtures.write(corrupt, named: "underflow.pth", in: dir)
        XCTAssertContains(openError(url)?.message, "corrupt pickle sequential_zip/data.pkl", "stack underflow at offset 2")
    }

    func testDisallowedGlobalIsRefused() throws {
        for name in ["evil_global_legacy.pt", "evil_global_zip.pt"] {
            let url = Fixtures.url(name)
            XCTAssertContains(openError(url)?.message, "unsupported global 'os.system'", "collections.OrderedDict")
        }
    }

    func testCompressedZipIsRefused() throws {
        XCTAssertContains(openError(Fixtures.url("deflated_zip.pt"))?.message, "archive/data.pkl is compressed (method 8)")
    }

    func testBigEndianZip() throws {
        XCTAssertContains(openError(Fixtures.url("big_endian_zip.pt"))?.message, "byte order", "found 'big'", "little-endian")
    }

    func testWrappedCheckpointIsNotGuessedAt() throws {
        let error = openError(Fixtures.url("wrapped_zip.pt"))
        XCTAssertEqual(error?.key, "state_dict")
        XCTAssertContains(error?.message, "expected a tensor", "nested dict", "state_dict()")
    }

    func testDescriptionNamesFileAndKey() {
        let error = CheckpointError(file: "/w/vgg.pth", key: "0.weight", message: "wrong shape")
        XCTAssertEqual(error.description, "/w/vgg.pth: key '0.weight': wrong shape")
    }
}
