import Foundation

/// A PyTorch state dict read straight from a `torch.save` file, zip or legacy, without Python.
/// Opening parses only the pickle; tensor data is read when asked for, so a model can take part of a big file.
/// Immutable once opened, so several threads may read from one checkpoint.
public final class Checkpoint {
    /// The path as given, so every error points at the file the caller named.
    public let file: String
    /// Every key in the file.
    public let tensors: [String: TensorInfo]

    private let records: [String: TensorRecord]
    private let source: StorageSource

    public init(contentsOf url: URL) throws {
        file = url.path
        do {
            (records, source) = try Self.open(url)
        } catch let error as FormatError {
            throw CheckpointError(file: url.path, key: error.key, message: error.message)
        }
        tensors = records.mapValues { TensorInfo(shape: $0.shape, dtype: $0.storage.dtype.rawValue) }
    }

    private static func open(_ url: URL) throws -> ([String: TensorRecord], StorageSource) {
        let mapped = try MappedFile(path: url.path)
        let bytes = mapped.bytes
        if bytes.starts(with: [0x50, 0x4b]) {
            let zip = try ZipFormat(file: mapped)
            return (zip.tensors, zip)
        }
        if bytes.first == 0x80 {
            let legacy = try LegacyFormat(file: mapped)
            return (legacy.tensors, legacy)
        }
        if bytes.count >= 262, bytes[257..<262].elementsEqual("ustar".utf8) {
            throw FormatError("unsupported tar-format checkpoint (torch before 0.1.10); re-save it with a newer torch")
        }
        let head = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
        throw FormatError("not a PyTorch checkpoint: expected a zip archive (starting with 50 4b) or a legacy "
            + "torch.save pickle (starting with 80), found " + (bytes.isEmpty ? "an empty file" : "bytes \(head)"))
    }

    /// Contiguous row-major copy of a float32 tensor, whatever its strides and storage offset in the file.
    public func floats(_ key: String) throws -> [Float] {
        guard let record = records[key] else {
            throw CheckpointError(file: file, key: key, message: "no such key; the file has \(records.count) keys: "
                + Self.list(records.keys.sorted()))
        }
        guard record.storage.dtype == .float32 else {
            throw CheckpointError(file: file, key: key,
                                  message: "wrong dtype: expected float32, found \(record.storage.dtype.rawValue)")
        }
        guard record.numel > 0 else { return [] }
        let size = record.storage.dtype.elementSize
        let byteRange = record.span.lowerBound * size..<record.span.upperBound * size
        do {
            return try source.withBytes(of: record.storage, byteRange: byteRange) {
                TensorGather.floats($0, shape: record.shape, stride: record.stride, numel: record.numel)
            }
        } catch let error as FormatError {
            throw CheckpointError(file: file, key: key, message: error.message)
        }
    }

    /// Loads exactly the parameters a model expects. `expected` must all be present with these shapes and dtype
    /// float32; keys in `unused` may be present and are skipped without being read; any other key in the file is
    /// an error (like PyTorch's strict load_state_dict). Returns key -> values.
    ///
    /// Everything is checked before any data is read, so a mismatched file fails fast.
    public func load(expected: [ParameterSpec], unused: Set<String> = []) throws -> [String: [Float]] {
        for spec in expected {
            guard let info = tensors[spec.key] else {
                throw CheckpointError(file: file, key: spec.key, message: "missing key: expected a float32 tensor of "
                    + "shape \(spec.shape), found no such key")
            }
            guard info.shape == spec.shape else {
                throw CheckpointError(file: file, key: spec.key,
                                      message: "wrong shape: expected \(spec.shape), found \(info.shape)")
            }
            guard info.dtype == DType.float32.rawValue else {
                throw CheckpointError(file: file, key: spec.key,
                                      message: "wrong dtype: expected float32, found \(info.dtype)")
            }
        }
        let wanted = Set(expected.map(\.key))
        let unexpected = tensors.keys.filter { !wanted.contains($0) && !unused.contains($0) }.sorted()
        if let key = unexpected.first, let info = tensors[key] {
            throw CheckpointError(file: file, key: key, message: "unexpected key (a \(info.dtype) tensor of shape "
                + "\(info.shape)): expected only the model's \(wanted.count) parameters and \(unused.count) known "
                + "unused keys; \(unexpected.count) unexpected in all: " + Self.list(unexpected))
        }
        var values: [String: [Float]] = [:]
        for spec in expected {
            values[spec.key] = try floats(spec.key)
        }
        return values
    }

    private static func list(_ keys: [String]) -> String {
        let shown = keys.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
        return keys.count > 8 ? shown + ", ..." : shown
    }
}
