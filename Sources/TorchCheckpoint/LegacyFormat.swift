/// torch.save before 1.6 (or with `_use_new_zipfile_serialization=False`): a magic number, a protocol
/// version, system info, the object pickle and the list of storage keys, each its own pickle, then every
/// storage's raw bytes in that list's order, each after its int64 element count.
final class LegacyFormat: StorageSource {
    /// 0x1950a86a20f9469cfc6c, as LONG1 writes it: little-endian two's complement.
    private static let magic: [UInt8] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]
    private static let protocolVersion = 1001

    /// A storage that is cut off or inconsistent is only an error for tensors that are read from it.
    private enum Location {
        case bytes(Range<Int>)
        case unavailable(String)
    }

    private let file: MappedFile
    private let locations: [String: Location]
    let tensors: [String: TensorRecord]

    init(file: MappedFile) throws {
        self.file = file
        let bytes = file.bytes
        let (_, afterMagic) = try PickleMachine.load(bytes, name: "header") { magic in
            guard case .bigInt(let value) = magic, value == Self.magic else {
                throw FormatError("not a PyTorch checkpoint: the file starts with a pickle of \(magic.summary), "
                    + "expected torch's magic number 0x1950a86a20f9469cfc6c")
            }
        }
        let (_, afterVersion) = try PickleMachine.load(bytes, from: afterMagic, name: "header") { version in
            guard version.int == Self.protocolVersion else {
                throw FormatError("unsupported legacy protocol version: expected \(Self.protocolVersion), found \(version.summary)")
            }
        }
        let (_, afterInfo) = try PickleMachine.load(bytes, from: afterVersion, name: "system info") { sysInfo in
            if case .dict(let info) = sysInfo,
               let entry = info.entries.first(where: { $0.key.string == "little_endian" }), case .bool(false) = entry.value {
                throw FormatError("the checkpoint was written on a big-endian machine; only little-endian files are supported")
            }
        }
        let table = StorageTable()
        let afterObject: Int
        (tensors, afterObject) = try PickleMachine.load(bytes, from: afterInfo, name: "object pickle",
                                                        persistentLoad: table.resolve, read: StateDict.tensors(in:))
        let (keys, afterKeys) = try PickleMachine.load(bytes, from: afterObject, name: "storage key list") { keyList in
            guard let keys = keyList.sequence else {
                throw FormatError("expected the list of storage keys after the object pickle, found \(keyList.summary)")
            }
            return try keys.map { keyValue in
                guard let key = keyValue.string else {
                    throw FormatError("expected storage keys to be strings, found \(keyValue.summary)")
                }
                return key
            }
        }
        locations = try Self.locate(keys: keys, roots: table.roots, in: bytes, from: afterKeys)
    }

    /// Walks the storages in file order; their offsets are only known by adding up the sizes before them.
    private static func locate(keys: [String], roots: [String: StorageRef], in bytes: UnsafeRawBufferPointer,
                               from start: Int) throws -> [String: Location] {
        var locations: [String: Location] = [:]
        var position = start
        var cutOff: String?
        for key in keys {
            guard let root = roots[key] else {
                throw FormatError("the storage list names '\(key)', which no tensor uses, so its element size is unknown")
            }
            if let cutOff {
                locations[key] = .unavailable(cutOff)
                continue
            }
            guard bytes.count - position >= 8 else {
                let message = "truncated file: storage '\(key)' should start at offset \(position) with an 8-byte "
                    + "element count, but the file is \(bytes.count) bytes"
                cutOff = message
                locations[key] = .unavailable(message)
                continue
            }
            let count = Int(Int64(bitPattern: try bytes.littleEndian(at: position, size: 8, "storage header")))
            let dataStart = position + 8
            guard count >= 0, case let (byteCount, false) = count.multipliedReportingOverflow(by: root.dtype.elementSize)
            else {
                throw FormatError("corrupt storage header at offset \(position): storage '\(key)' claims \(count) elements")
            }
            let available = bytes.count - dataStart
            guard byteCount <= available else {
                let message = "truncated file: storage '\(key)' needs \(byteCount) bytes at offset \(dataStart), "
                    + "but only \(available) bytes are available (the file is \(bytes.count) bytes)"
                cutOff = message
                locations[key] = .unavailable(message)
                continue
            }
            if count == root.rootNumel {
                locations[key] = .bytes(dataStart..<dataStart + byteCount)
            } else {
                locations[key] = .unavailable("storage '\(key)' holds \(count) elements in the file, but the pickle "
                    + "says \(root.rootNumel)")
            }
            position = dataStart + byteCount
        }
        return locations
    }

    func withBytes<R>(of storage: StorageRef, byteRange: Range<Int>,
                      _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        switch locations[storage.key] {
        case nil:
            throw FormatError("storage '\(storage.key)' is used by a tensor but missing from the file's storage list")
        case .unavailable(let reason):
            throw FormatError(reason)
        case .bytes(let range):
            guard byteRange.lowerBound >= 0, byteRange.upperBound <= range.count else {
                throw FormatError("storage '\(storage.key)' holds \(range.count) bytes, but bytes up to "
                    + "\(byteRange.upperBound) were requested")
            }
            let start = range.lowerBound + byteRange.lowerBound
            return try body(UnsafeRawBufferPointer(rebasing: file.bytes[start..<start + byteRange.count]))
        }
    }
}
