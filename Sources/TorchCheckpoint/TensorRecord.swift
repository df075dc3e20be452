/// A storage as a persistent id describes it. Pre-1.0 torch could save a view, a window of a root storage;
/// newer files always use the whole root (offset 0, every element).
struct StorageRef {
    let key: String
    let dtype: DType
    let rootNumel: Int
    let viewOffset: Int
    let viewNumel: Int

    init(key: String, dtype: DType, rootNumel: Int, viewOffset: Int = 0, viewNumel: Int? = nil) throws {
        let viewNumel = viewNumel ?? rootNumel
        guard rootNumel >= 0, viewOffset >= 0, viewNumel >= 0,
              try Checked.add(viewOffset, viewNumel, "storage view end") <= rootNumel else {
            throw FormatError("storage '\(key)' has an invalid view: offset \(viewOffset) and \(viewNumel) elements "
                + "in a storage of \(rootNumel) elements")
        }
        _ = try Checked.multiply(rootNumel, dtype.elementSize, "size in bytes of storage '\(key)'")
        self.key = key
        self.dtype = dtype
        self.rootNumel = rootNumel
        self.viewOffset = viewOffset
        self.viewNumel = viewNumel
    }
}

/// A tensor as `_rebuild_tensor(_v2)` describes it: a strided window of a storage.
struct TensorRecord {
    static let broadcastLimit = 1 << 28

    let storage: StorageRef
    let shape: [Int]
    let stride: [Int]
    let numel: Int
    /// Elements of the root storage the tensor touches, lowest to highest; empty when it has no elements.
    /// Reading only this span is what keeps memory bounded by the request.
    let span: Range<Int>

    init(storage: PickleValue, offset: PickleValue, size: PickleValue, stride: PickleValue) throws {
        guard case .storage(let storage) = storage else {
            throw FormatError("a tensor must be built from a storage, found \(storage.summary)")
        }
        guard let offset = offset.int, offset >= 0 else {
            throw FormatError("a tensor's storage offset must be a non-negative int, found \(offset.summary)")
        }
        let shape = try Self.ints(size, "size")
        let stride = try Self.ints(stride, "stride")
        guard shape.count == stride.count else {
            throw FormatError("a tensor's size \(shape) and stride \(stride) differ in length")
        }
        var numel = 1
        var last = offset
        for (n, s) in zip(shape, stride) {
            numel = try Checked.multiply(numel, n, "element count of a tensor of shape \(shape)")
            if n > 0 { last = try Checked.add(last, try Checked.multiply(n - 1, s, "tensor extent"), "tensor extent") }
        }
        // Zero strides let a tiny storage claim any number of elements; cap what such a view may allocate.
        if numel > Self.broadcastLimit && numel > storage.viewNumel {
            throw FormatError("a tensor of shape \(shape) and stride \(stride) has \(numel) elements, more than its "
                + "storage's \(storage.viewNumel) and more than the \(Self.broadcastLimit) allowed for a broadcast view")
        }
        if numel > 0 && last >= storage.viewNumel {
            throw FormatError("a tensor of shape \(shape), stride \(stride) and offset \(offset) reaches element "
                + "\(last) of storage '\(storage.key)', which holds \(storage.viewNumel) elements")
        }
        self.storage = storage
        self.shape = shape
        self.stride = stride
        self.numel = numel
        let first = storage.viewOffset + offset
        span = numel == 0 ? first..<first : first..<(storage.viewOffset + last + 1)
    }

    private static func ints(_ value: PickleValue, _ what: String) throws -> [Int] {
        guard let items = value.sequence else {
            throw FormatError("a tensor's \(what) must be a tuple of ints, found \(value.summary)")
        }
        return try items.map { item in
            guard let n = item.int, n >= 0 else {
                throw FormatError("a tensor's \(what) must hold non-negative ints, found \(item.summary)")
            }
            return n
        }
    }
}
