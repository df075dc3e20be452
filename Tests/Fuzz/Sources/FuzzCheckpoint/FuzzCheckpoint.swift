import Foundation
import TorchCheckpoint

// Input: a torch.save file, zip or legacy. `Checkpoint` maps a file, so each input is written
// to one scratch file first. Property: opening and reading every float32 tensor either works
// or throws `CheckpointError`; no trap, no out-of-bounds read, no leak (LeakSanitizer checks
// each input). Tensors above 4M elements (zero-stride broadcast views may claim 2^28) are not
// read, to keep memory within the fuzzer's limit.

let scratch: URL = {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return URL(fileURLWithPath: directory).appendingPathComponent("sanet-fuzz-checkpoint-\(getpid()).pt")
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = pointer.map { Data(bytes: $0, count: size) } ?? Data()
    guard (try? data.write(to: scratch)) != nil else { fatalError("cannot write \(scratch.path)") }
    defer { try? FileManager.default.removeItem(at: scratch) }
    guard let checkpoint = try? Checkpoint(contentsOf: scratch) else { return 0 }
    for (key, info) in checkpoint.tensors.sorted(by: { $0.key < $1.key }) {
        let numel = info.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        guard numel <= 1 << 22 else { continue }
        if let values = try? checkpoint.floats(key) {
            precondition(values.count == numel, "\(key): \(values.count) values for shape \(info.shape)")
        }
    }
    _ = try? checkpoint.load(expected: checkpoint.tensors.filter { $0.value.dtype == "float32" }
        .filter { $0.value.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 } <= 1 << 22 }
        .map { ParameterSpec(key: $0.key, shape: $0.value.shape) }, unused: Set(checkpoint.tensors.filter { $0.value.dtype != "float32" }.keys))
    return 0
}
