import Foundation
import StyleTransfer

/// The image files of one form, given up one at a time as they are decoded, so that a request
/// never holds an upload beside its decoded image longer than the decode takes.
final class UploadedFiles: StylizationFiles, @unchecked Sendable {
    private let lock = NSLock()
    private var content: [UInt8]?
    private var styles: [[UInt8]?]
    private var masks: [[UInt8]?]

    init(content: [UInt8], styles: [[UInt8]], masks: [[UInt8]]) {
        self.content = content
        self.styles = styles
        self.masks = masks
    }

    var styleCount: Int {
        lock.withLock { styles.count }
    }

    var maskCount: Int {
        lock.withLock { masks.count }
    }

    /// Bytes of the files not yet taken.
    var bytes: Int {
        lock.withLock { ([content] + styles + masks).reduce(0) { $0 + ($1?.count ?? 0) } }
    }

    /// Reads the files in place (their headers, before the request is queued).
    func inspect<T>(_ body: (_ content: [UInt8], _ styles: [[UInt8]], _ masks: [[UInt8]]) throws -> T) rethrows -> T {
        try lock.withLock { try body(content ?? [], styles.map { $0 ?? [] }, masks.map { $0 ?? [] }) }
    }

    /// The content file, which this object no longer keeps.
    func takeContent() -> [UInt8] {
        lock.withLock { Self.take(&content) }
    }

    /// Style file `index`, which this object no longer keeps.
    func takeStyle(_ index: Int) -> [UInt8] {
        lock.withLock { Self.take(&styles[index]) }
    }

    /// Mask file `index`, which this object no longer keeps.
    func takeMask(_ index: Int) -> [UInt8] {
        lock.withLock { Self.take(&masks[index]) }
    }

    private static func take(_ file: inout [UInt8]?) -> [UInt8] {
        defer { file = nil }
        return file ?? []
    }
}
