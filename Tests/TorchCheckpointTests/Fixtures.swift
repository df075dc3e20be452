import Foundation
import XCTest
@testable import TorchCheckpoint

/// Access to the files written by Fixtures/make_fixtures.py and the values PyTorch read back from them.
enum Fixtures {
    struct Tensor: Decodable {
        let shape: [Int]
        let dtype: String
        let values: [Float]?
    }

    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)
            ?? Bundle.module.bundleURL.appendingPathComponent("Fixtures/\(name)")
    }

    static let expected: [String: [String: Tensor]] = {
        do {
            let data = try Data(contentsOf: url("expected.json"))
            return try JSONDecoder().decode([String: [String: Tensor]].self, from: data)
        } catch {
            XCTFail("cannot read expected.json: \(error)")
            return [:]
        }
    }()

    /// A fresh directory for variants made at test time (truncated, corrupted, not a checkpoint).
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("TorchCheckpointTests-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ bytes: [UInt8], named name: String, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(name)))
    }
}

/// Runs `body`, which must throw a CheckpointError, and returns that error for inspection.
func checkpointError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> CheckpointError? {
    do {
        try body()
        XCTFail("expected a CheckpointError, but nothing was thrown", file: file, line: line)
    } catch let error as CheckpointError {
        return error
    } catch {
        XCTFail("expected a CheckpointError, found \(error)", file: file, line: line)
    }
    return nil
}

func XCTAssertContains(_ text: String?, _ parts: String..., file: StaticString = #filePath, line: UInt = #line) {
    for part in parts where !(text ?? "").contains(part) {
        XCTFail("'\(text ?? "nil")' does not contain '\(part)'", file: file, line: line)
    }
}
