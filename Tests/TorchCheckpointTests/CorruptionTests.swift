import Foundation
import XCTest
@testable import TorchCheckpoint

/// Every byte of a checkpoint comes from outside; damaging any one of them must give an error, never a crash.
final class CorruptionTests: XCTestCase {
    func testEveryDamagedByteIsHandled() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["sequential_legacy.pt", "views_legacy.pt", "old_style_legacy.pt", "views_zip.pt", "sequential_zip.pt"] {
            let bytes = try Fixtures.bytes(name)
            let url = try Fixtures.write(bytes, named: name, in: dir)
            let handle = try FileHandle(forUpdating: url)
            defer { try? handle.close() }
            for offset in bytes.indices {
                for damage: UInt8 in [0x00, 0xff] where bytes[offset] != damage {
                    try handle.seek(toOffset: UInt64(offset))
                    try handle.write(contentsOf: [damage])
                    do {
                        let checkpoint = try Checkpoint(contentsOf: url)
                        for key in checkpoint.tensors.keys {
                            _ = try? checkpoint.floats(key)
                        }
                    } catch let error as CheckpointError {
                        XCTAssertEqual(error.file, url.path)
                    }
                }
                try handle.seek(toOffset: UInt64(offset))
                try handle.write(contentsOf: [bytes[offset]])
            }
        }
    }
}
