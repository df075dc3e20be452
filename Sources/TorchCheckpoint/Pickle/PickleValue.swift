/// Lists and dicts are classes because a pickle fills them in after pushing and memoizing them.
final class PickleList {
    var items: [PickleValue]

    init(_ items: [PickleValue] = []) {
        self.items = items
    }
}

/// Kept as ordered pairs: state dict order matters to readers, and keys need not be hashable strings.
final class PickleDict {
    var entries: [(key: PickleValue, value: PickleValue)]

    init(_ entries: [(key: PickleValue, value: PickleValue)] = []) {
        self.entries = entries
    }
}

/// The few kinds of object a torch state dict pickle can build; anything else is rejected before it exists.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// Little-endian two's complement bytes of an integer too wide for `Int`, such as torch's magic number.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case global(TorchGlobal)
    case storage(StorageRef)
    case tensor(TensorRecord)

    /// Short enough for an error message, even for a huge or deeply nested value.
    var summary: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return "int \(i)"
        case .bigInt(let bytes): return "int of \(bytes.count) bytes"
        case .float(let d): return "float \(d)"
        case .string(let s): return "str '\(s.prefix(60))'"
        case .bytes(let b): return "bytes of length \(b.count)"
        case .tuple(let t): return "tuple of \(t.count) items"
        case .list(let l): return "list of \(l.items.count) items"
        case .dict(let d): return "dict of \(d.entries.count) items"
        case .global(let g): return g.qualifiedName
        case .storage(let s): return "\(s.dtype.rawValue) storage '\(s.key)'"
        case .tensor(let t): return "tensor of shape \(t.shape)"
        }
    }

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var int: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// Tuples and lists are interchangeable wherever torch reads a sequence (sizes, pairs).
    var sequence: [PickleValue]? {
        switch self {
        case .tuple(let items): return items
        case .list(let list): return list.items
        default: return nil
        }
    }
}
