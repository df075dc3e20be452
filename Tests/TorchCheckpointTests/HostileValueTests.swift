import Foundation
import XCTest
@testable import TorchCheckpoint

/// Values a hand-made file can hold that torch.save never writes: they must be read or refused, never trap or leak.
final class HostileValueTests: XCTestCase {
    /// A legacy torch.save file of one float32 tensor 'w' of `shape` and `stride` over a storage of `storage`.
    private func legacyFile(shape: [Int], stride: [Int], storage: [Float]) -> [UInt8] {
        func string(_ s: String) -> [UInt8] {
            [UInt8(ascii: "X")] + withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init) + Array(s.utf8)
        }
        func int(_ n: Int) -> [UInt8] { [0x8a, 8] + withUnsafeBytes(of: Int64(n).littleEndian, Array.init) }
        func tuple(_ items: [Int]) -> [UInt8] { [UInt8(ascii: "(")] + items.flatMap(int) + [UInt8(ascii: "t")] }
        var bytes: [UInt8] = [0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]
        bytes += [0x80, 2, UInt8(ascii: "M"), 0xe9, 0x03, 0x2e]
        bytes += [0x80, 2, UInt8(ascii: "}"), 0x2e]
        bytes += [0x80, 2, UInt8(ascii: "}")] + string("w") + Array("ctorch._utils\n_rebuild_tensor_v2\n(".utf8)
        bytes += [UInt8(ascii: "(")] + string("storage") + Array("ctorch\nFloatStorage\n".utf8) + string("0") + string("cpu")
        bytes += int(storage.count) + [UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "Q")]
        bytes += int(0) + tuple(shape) + tuple(stride) + [0x89, UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "R")]
        bytes += [UInt8(ascii: "s"), 0x2e]
        bytes += [0x80, 2, UInt8(ascii: "(")] + string("0") + [UInt8(ascii: "l"), 0x2e]
        bytes += withUnsafeBytes(of: Int64(storage.count).littleEndian, Array.init)
        bytes += storage.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        return bytes
    }

    private func floats(shape: [Int], stride: [Int], storage: [Float]) throws -> [Float] {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try Fixtures.write(legacyFile(shape: shape, stride: stride, storage: storage), named: "w.pt", in: dir)
        let checkpoint = try Checkpoint(contentsOf: url)
        XCTAssertEqual(checkpoint.tensors["w"], TensorInfo(shape: shape, dtype: "float32"))
        return try checkpoint.floats("w")
    }

    func testHandMadeFileIsRead() throws {
        XCTAssertEqual(try floats(shape: [2, 2], stride: [1, 2], storage: [1, 2, 3, 4]), [1, 3, 2, 4])
    }

    /// The stride of a size-1 dimension is never taken, so any value is valid there, as in torch.
    func testSizeOneDimensionWithAStrideNearIntMaxIsRead() throws {
        XCTAssertEqual(try floats(shape: [2, 1], stride: [2, Int.max], storage: [1, 2, 3]), [1, 3])
        XCTAssertEqual(try floats(shape: [1, 3, 1], stride: [Int.max, 1, Int.max - 1], storage: [1, 2, 3]), [1, 2, 3])
        XCTAssertEqual(try floats(shape: [2, 1, 2], stride: [1, Int.max, 2], storage: [1, 2, 3, 4]), [1, 3, 2, 4])
    }

    func testStrideThatReachesPastIntMaxIsRefused() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try Fixtures.write(legacyFile(shape: [3, 1], stride: [Int.max / 2 + 1, 1], storage: [1, 2, 3]),
                                     named: "w.pt", in: dir)
        let error = checkpointError { _ = try Checkpoint(contentsOf: url) }
        XCTAssertContains(error?.message, "overflows")
    }

    /// `]` BINPUT 0, BINGET 0, APPEND: a list that holds itself. The same for a dict with SETITEM.
    func testSelfReferencingContainersAreFreed() throws {
        let pickles: [[UInt8]] = [
            [0x80, 2, UInt8(ascii: "]"), UInt8(ascii: "q"), 0, UInt8(ascii: "h"), 0, UInt8(ascii: "a"), 0x2e],
            [0x80, 2, UInt8(ascii: "}"), UInt8(ascii: "q"), 0, UInt8(ascii: "K"), 1, UInt8(ascii: "h"), 0, UInt8(ascii: "s"), 0x2e],
            // A list inside a dict inside the list.
            [0x80, 2, UInt8(ascii: "]"), UInt8(ascii: "q"), 0, UInt8(ascii: "}"), UInt8(ascii: "K"), 1, UInt8(ascii: "h"), 0,
             UInt8(ascii: "s"), UInt8(ascii: "a"), 0x2e],
        ]
        for pickle in pickles {
            weak var container: AnyObject?
            let summary = try pickle.withUnsafeBytes { bytes in
                try PickleMachine.load(bytes, name: "test") { value -> String in
                    switch value {
                    case .list(let list): container = list
                    case .dict(let dict): container = dict
                    default: XCTFail("expected a list or dict, found \(value.summary)")
                    }
                    return value.summary
                }.value
            }
            XCTAssertTrue(summary.hasSuffix("of 1 items"), summary)
            XCTAssertNil(container, "the container outlives the pickle: \(pickle)")
        }
    }

    /// A pickle that fails after building a self-referencing list frees it too (here it passes the list as a
    /// persistent id, the one place a caller sees a value before the pickle ends).
    func testPickleThatFailsMidwayFreesItsContainers() throws {
        weak var container: AnyObject?
        var seen = false
        let pickle: [UInt8] = [0x80, 2, UInt8(ascii: "]"), UInt8(ascii: "q"), 0, UInt8(ascii: "h"), 0, UInt8(ascii: "a"),
                               UInt8(ascii: "h"), 0, UInt8(ascii: "Q"), 0xff]
        XCTAssertThrowsError(try pickle.withUnsafeBytes { bytes in
            try PickleMachine.load(bytes, name: "test", persistentLoad: { id in
                if case .list(let list) = id { container = list; seen = true }
                return .none
            }) { _ in }
        })
        XCTAssertTrue(seen)
        XCTAssertNil(container)
    }
}
