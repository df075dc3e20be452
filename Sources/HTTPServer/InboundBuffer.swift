/// Bytes received and not yet consumed, kept contiguous so the parsers can scan them.
struct InboundBuffer {
    private var storage: [UInt8] = []
    private var start = 0

    var bytes: ArraySlice<UInt8> { storage[start...] }
    var count: Int { storage.count - start }
    var isEmpty: Bool { count == 0 }

    mutating func append(_ input: UnsafeRawBufferPointer) {
        // Dropping consumed bytes only once they dominate keeps appends amortised O(1).
        if start > 0 && start >= storage.count / 2 {
            storage.removeFirst(start)
            start = 0
        }
        storage.append(contentsOf: input)
    }

    mutating func consume(_ count: Int) {
        start += count
        if start == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 64 * 1024)
            start = 0
        }
    }
}
