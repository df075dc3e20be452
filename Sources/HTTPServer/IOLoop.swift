import Dispatch

/// A serial queue that a share of the connections run on, with a read buffer they take turns using.
final class IOLoop {
    let queue: DispatchQueue
    /// Safe to share: only code on `queue` reads into it, one event at a time.
    let scratch: UnsafeMutableRawBufferPointer

    init(label: String) {
        queue = DispatchQueue(label: label)
        scratch = .allocate(byteCount: 64 * 1024, alignment: 1)
    }

    deinit {
        scratch.deallocate()
    }
}
