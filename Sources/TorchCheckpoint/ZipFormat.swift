import Foundation
import ZIPFoundation

/// torch.save since 1.6: a zip of stored entries, `<name>/data.pkl` plus one `<name>/data/<key>` per storage.
/// ZIPFoundation reads through a file handle, so only the requested storage bytes are ever in memory.
final class ZipFormat: StorageSource {
    private static let pickleLimit: UInt64 = 1 << 30
    private static let chunkSize = 1 << 20

    /// Thrown from the extract consumer to stop once the requested bytes are in.
    private struct StopReading: Error {}

    private let archive: Archive
    private let storageEntries: [String: Entry]
    private let prefix: String
    /// The archive shares one file position between reads.
    private let lock = NSLock()
    let tensors: [String: TensorRecord]

    init(url: URL, fileSize: Int) throws {
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw FormatError("truncated or corrupt zip archive (\(fileSize) bytes): \(Self.describe(error))")
        }
        var entries: [String: Entry] = [:]
        for entry in archive where entries[entry.path] == nil {
            entries[entry.path] = entry
        }
        let pickles = entries.keys.filter { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }.sorted()
        guard pickles.count == 1, let picklePath = pickles.first, let pickleEntry = entries[picklePath] else {
            throw FormatError("expected a zip archive with one <name>/data.pkl as torch.save writes, found "
                + (pickles.isEmpty ? "none among \(entries.count) entries" : "\(pickles.count): \(pickles)"))
        }
        prefix = String(picklePath.dropLast("data.pkl".count))
        if let byteOrderEntry = entries[prefix + "byteorder"] {
            let text = String(decoding: try Self.readWhole(byteOrderEntry, from: archive), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard text == "little" else {
                throw FormatError("expected byte order 'little' in \(byteOrderEntry.path), found '\(text.prefix(20))'; "
                    + "only little-endian checkpoints are supported")
            }
        }
        let pickle = try Self.readWhole(pickleEntry, from: archive)
        let table = StorageTable()
        let object = try pickle.withUnsafeBytes {
            try PickleMachine.load($0, name: picklePath, persistentLoad: table.resolve).value
        }
        tensors = try StateDict.tensors(in: object)
        var storageEntries: [String: Entry] = [:]
        for key in table.roots.keys {
            storageEntries[key] = entries[prefix + "data/" + key]
        }
        self.storageEntries = storageEntries
    }

    private static func readWhole(_ entry: Entry, from archive: Archive) throws -> Data {
        guard entry.uncompressedSize <= pickleLimit else {
            throw FormatError("\(entry.path) is \(entry.uncompressedSize) bytes; expected at most \(pickleLimit)")
        }
        var data = Data()
        do {
            _ = try archive.extract(entry, bufferSize: chunkSize, skipCRC32: true) { data.append($0) }
        } catch {
            throw FormatError("cannot read \(entry.path): \(describe(error))")
        }
        guard data.count == Int(entry.uncompressedSize) else {
            throw FormatError("truncated file: \(entry.path) should hold \(entry.uncompressedSize) bytes, "
                + "but only \(data.count) are available")
        }
        return data
    }

    func withBytes<R>(of storage: StorageRef, byteRange: Range<Int>,
                      _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let path = prefix + "data/" + storage.key
        guard let entry = storageEntries[storage.key] else {
            throw FormatError("the archive has no entry \(path) for storage '\(storage.key)'")
        }
        let needed = storage.rootNumel * storage.dtype.elementSize
        guard entry.uncompressedSize >= UInt64(needed), byteRange.upperBound <= needed else {
            throw FormatError("entry \(path) holds \(entry.uncompressedSize) bytes, but its storage is "
                + "\(storage.rootNumel) \(storage.dtype.rawValue) elements (\(needed) bytes)")
        }
        var buffer = [UInt8]()
        buffer.reserveCapacity(byteRange.count)
        var position = 0
        lock.lock()
        defer { lock.unlock() }
        do {
            _ = try archive.extract(entry, bufferSize: Self.chunkSize, skipCRC32: true) { chunk in
                let overlap = byteRange.clamped(to: position..<position + chunk.count)
                if !overlap.isEmpty {
                    let base = chunk.startIndex - position
                    buffer.append(contentsOf: chunk[(base + overlap.lowerBound)..<(base + overlap.upperBound)])
                }
                position += chunk.count
                if position >= byteRange.upperBound { throw StopReading() }
            }
        } catch is StopReading {
        } catch {
            throw FormatError("cannot read \(path): \(Self.describe(error))")
        }
        guard buffer.count == byteRange.count else {
            throw FormatError("truncated file: \(path) should hold \(needed) bytes, but only \(position) are available")
        }
        return try buffer.withUnsafeBytes(body)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case Archive.ArchiveError.missingEndOfCentralDirectoryRecord:
            return "the end of central directory record is missing"
        case Archive.ArchiveError.unreadableArchive:
            return "the archive cannot be read"
        default:
            return String(describing: error)
        }
    }
}
