import Foundation

/// torch.save since 1.6: a zip of stored entries, `<name>/data.pkl` plus one `<name>/data/<key>` per storage.
/// The top folder's name varies (`archive/` or the file's stem), so data.pkl is found by its suffix.
/// Entries are read from the memory map instead of through ZIPFoundation, which traps on some corrupt ZIP64
/// offsets and can only stream an entry from its start.
final class ZipFormat: StorageSource {
    private let file: MappedFile
    private let archive: ZipArchive
    private let prefix: String
    let tensors: [String: TensorRecord]

    init(file: MappedFile) throws {
        self.file = file
        archive = try ZipArchive(file.bytes)
        let pickles = archive.entries.keys.filter { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }.sorted()
        guard pickles.count == 1, let picklePath = pickles.first else {
            throw FormatError("expected a zip archive with one <name>/data.pkl as torch.save writes, found "
                + (pickles.isEmpty ? "none among \(archive.entries.count) entries" : "\(pickles.count): \(pickles)"))
        }
        prefix = String(picklePath.dropLast("data.pkl".count))
        if archive.entries[prefix + "byteorder"] != nil {
            let order = String(decoding: try Self.contents(of: prefix + "byteorder", in: archive, file: file),
                               as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard order == "little" else {
                throw FormatError("expected byte order 'little' in \(prefix)byteorder, found '\(order.prefix(20))'; "
                    + "only little-endian checkpoints are supported")
            }
        }
        let table = StorageTable()
        let pickle = try Self.contents(of: picklePath, in: archive, file: file)
        tensors = try PickleMachine.load(pickle, name: picklePath, persistentLoad: table.resolve,
                                         read: StateDict.tensors(in:)).value
    }

    private static func contents(of path: String, in archive: ZipArchive,
                                 file: MappedFile) throws -> UnsafeRawBufferPointer {
        guard let entry = archive.entries[path] else {
            throw FormatError("the archive has no entry \(path)")
        }
        guard let range = entry.data else {
            throw FormatError("\(path) is compressed (method \(entry.method)); torch.save writes stored entries, "
                + "so the archive was re-packed: store it without compression")
        }
        return UnsafeRawBufferPointer(rebasing: file.bytes[range])
    }

    func withBytes<R>(of storage: StorageRef, byteRange: Range<Int>,
                      _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let path = prefix + "data/" + storage.key
        let bytes = try Self.contents(of: path, in: archive, file: file)
        let needed = storage.rootNumel * storage.dtype.elementSize
        guard bytes.count >= needed, byteRange.lowerBound >= 0, byteRange.upperBound <= needed else {
            throw FormatError("\(path) holds \(bytes.count) bytes, but its storage is \(storage.rootNumel) "
                + "\(storage.dtype.rawValue) elements (\(needed) bytes)")
        }
        return try body(UnsafeRawBufferPointer(rebasing: bytes[byteRange]))
    }
}
