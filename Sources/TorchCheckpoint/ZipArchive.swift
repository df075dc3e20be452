/// The subset of zip that torch.save writes: stored (uncompressed) entries, ZIP64 end records and padding
/// in extra fields. Entries resolve to byte ranges of the memory map, so any slice of a storage is directly
/// addressable without reading what comes before it.
struct ZipArchive {
    struct Entry {
        let path: String
        /// Where the entry's bytes lie in the file; nil when the entry is compressed.
        let data: Range<Int>?
        let method: Int
    }

    private static let endSignature: UInt64 = 0x0605_4b50
    private static let zip64LocatorSignature: UInt64 = 0x0706_4b50
    private static let zip64EndSignature: UInt64 = 0x0606_4b50
    private static let centralSignature: UInt64 = 0x0201_4b50
    private static let localSignature: UInt64 = 0x0403_4b50

    /// First entry for each path, as a reader that stops at the first match would see them.
    let entries: [String: Entry]

    init(_ bytes: UnsafeRawBufferPointer) throws {
        let end = try Self.findEnd(bytes)
        var count = try bytes.offsetField(at: end + 10, size: 2, "entry count")
        var directorySize = try bytes.offsetField(at: end + 12, size: 4, "central directory size")
        var directoryOffset = try bytes.offsetField(at: end + 16, size: 4, "central directory offset")
        let locator = end - 20
        if locator >= 0, try bytes.littleEndian(at: locator, size: 4, "ZIP64 locator") == Self.zip64LocatorSignature {
            let zip64End = try bytes.offsetField(at: locator + 8, size: 8, "ZIP64 end record offset")
            guard try bytes.littleEndian(at: zip64End, size: 4, "ZIP64 end record") == Self.zip64EndSignature else {
                throw FormatError("corrupt zip archive: no ZIP64 end record at offset \(zip64End)")
            }
            count = try bytes.offsetField(at: zip64End + 32, size: 8, "ZIP64 entry count")
            directorySize = try bytes.offsetField(at: zip64End + 40, size: 8, "ZIP64 central directory size")
            directoryOffset = try bytes.offsetField(at: zip64End + 48, size: 8, "ZIP64 central directory offset")
        }
        guard try Checked.add(directoryOffset, directorySize, "central directory end") <= bytes.count else {
            throw FormatError("truncated file: the central directory needs \(directorySize) bytes at offset "
                + "\(directoryOffset), but the file is \(bytes.count) bytes")
        }
        var entries: [String: Entry] = [:]
        var position = directoryOffset
        for _ in 0..<min(count, directorySize / 46) {
            let (entry, next) = try Self.centralRecord(bytes, at: position)
            if entries[entry.path] == nil { entries[entry.path] = entry }
            position = next
        }
        self.entries = entries
    }

    /// The end record sits in the last 64 KiB + 22 bytes (its comment is at most 65535 bytes).
    private static func findEnd(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        let last = bytes.count - 22
        if last >= 0 {
            for offset in stride(from: last, through: max(0, last - 65535), by: -1)
            where try bytes.littleEndian(at: offset, size: 4, "end record") == endSignature {
                return offset
            }
        }
        throw FormatError("truncated or corrupt zip archive (\(bytes.count) bytes): the end of central directory "
            + "record is missing")
    }

    private static func centralRecord(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws -> (Entry, Int) {
        guard try bytes.littleEndian(at: offset, size: 4, "central directory record") == centralSignature else {
            throw FormatError("corrupt zip archive: no central directory record at offset \(offset)")
        }
        let method = try bytes.offsetField(at: offset + 10, size: 2, "compression method")
        var size = try bytes.offsetField(at: offset + 20, size: 4, "compressed size")
        var uncompressedSize = try bytes.offsetField(at: offset + 24, size: 4, "uncompressed size")
        let nameLength = try bytes.offsetField(at: offset + 28, size: 2, "name length")
        let extraLength = try bytes.offsetField(at: offset + 30, size: 2, "extra field length")
        let commentLength = try bytes.offsetField(at: offset + 32, size: 2, "comment length")
        var localOffset = try bytes.offsetField(at: offset + 42, size: 4, "local header offset")
        let nameStart = offset + 46
        guard nameStart + nameLength + extraLength + commentLength <= bytes.count else {
            throw FormatError("truncated file: the central directory record at offset \(offset) runs past the end")
        }
        let path = String(decoding: bytes[nameStart..<nameStart + nameLength], as: UTF8.self)
        // ZIP64 extra field: only the values whose 32-bit fields are saturated are present, in this order.
        var extra = nameStart + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let id = try bytes.littleEndian(at: extra, size: 2, "extra field id")
            let length = try bytes.offsetField(at: extra + 2, size: 2, "extra field length")
            if id == 1 {
                var field = extra + 4
                if uncompressedSize == 0xFFFF_FFFF {
                    uncompressedSize = try bytes.offsetField(at: field, size: 8, "ZIP64 uncompressed size")
                    field += 8
                }
                if size == 0xFFFF_FFFF {
                    size = try bytes.offsetField(at: field, size: 8, "ZIP64 compressed size")
                    field += 8
                }
                if localOffset == 0xFFFF_FFFF {
                    localOffset = try bytes.offsetField(at: field, size: 8, "ZIP64 local header offset")
                }
            }
            extra += 4 + length
        }
        guard try bytes.littleEndian(at: localOffset, size: 4, "local header of \(path)") == localSignature else {
            throw FormatError("corrupt zip archive: no local header for \(path) at offset \(localOffset)")
        }
        let localName = try bytes.offsetField(at: localOffset + 26, size: 2, "local name length of \(path)")
        let localExtra = try bytes.offsetField(at: localOffset + 28, size: 2, "local extra length of \(path)")
        let dataStart = localOffset + 30 + localName + localExtra
        guard try Checked.add(dataStart, size, "end of \(path)") <= bytes.count else {
            throw FormatError("truncated file: \(path) needs \(size) bytes at offset \(dataStart), but only "
                + "\(max(bytes.count - dataStart, 0)) bytes are available (the file is \(bytes.count) bytes)")
        }
        let stored = method == 0 && size == uncompressedSize
        let entry = Entry(path: path, data: stored ? dataStart..<dataStart + size : nil, method: method)
        return (entry, extraEnd + commentLength)
    }
}
