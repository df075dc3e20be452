import Foundation
import StyleTransfer

/// The image files of one form, given up one at a time as they are decoded, so that a request
/// never holds an upload beside its decoded image longer than the decode takes.
final class UploadedFiles: StylizationFiles, @unchecked Sendable {
    private let lock = NSLock()
    private var content: [UInt8]?
    private var styles: [[UInt8]?]

    init(content: [UInt8], styles: [[UInt8]]) {
        self.content = content
        self.styles = styles
    }

    var styleCount: Int {
        lock.withLock { styles.count }
    }

    /// Bytes of the files not yet taken.
    var bytes: Int {
        lock.withLock { (content?.count ?? 0) + styles.reduce(0) { $0 + ($1?.count ?? 0) } }
    }

    /// Reads the files in place (their headers, before the request is queued).
    func inspect<T>(_ body: (_ content: [UInt8], _ styles: [[UInt8]]) throws -> T) rethrows -> T {
        try lock.withLock { try body(content ?? [], styles.map { $0 ?? [] }) }
    }

    /// The content file, which this object no longer keeps.
    func takeContent() -> [UInt8] {
        lock.withLock {
            defer { content = nil }
            return content ?? []
        }
    }

    /// Style file `index`, which this object no longer keeps.
    func takeStyle(_ index: Int) -> [UInt8] {
        lock.withLock {
            defer { styles[index] = nil }
            return styles[index] ?? []
        }
    }
}
