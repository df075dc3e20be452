/// The allow-list of callables a state dict pickle may name. Unpickling calls what the file names, so anything
/// outside this list is refused before it could run.
enum TorchGlobal: Equatable {
    case orderedDict
    case rebuildTensor
    case rebuildTensorV2
    case rebuildParameter
    case storageType(DType)

    init(module: String, name: String) throws {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        default:
            if module == "torch" || module == "torch.cuda", let dtype = DType(storageClass: name) {
                self = .storageType(dtype)
            } else {
                throw FormatError("unsupported global '\(module).\(name)': a state dict may only reference "
                    + "collections.OrderedDict, torch._utils._rebuild_tensor(_v2), torch._utils._rebuild_parameter "
                    + "and torch.*Storage, and nothing else in a checkpoint is ever executed")
            }
        }
    }

    var qualifiedName: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .rebuildTensor: return "torch._utils._rebuild_tensor"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .storageType(let dtype): return "torch storage type of \(dtype.rawValue)"
        }
    }

    /// What REDUCE does with these callables, without calling anything.
    func call(_ args: [PickleValue]) throws -> PickleValue {
        switch self {
        case .orderedDict:
            return .dict(try Self.orderedDict(args))
        case .rebuildTensor:
            try expectArgs(args, 4...4)
            return .tensor(try TensorRecord(storage: args[0], offset: args[1], size: args[2], stride: args[3]))
        case .rebuildTensorV2:
            try expectArgs(args, 6...7)
            return .tensor(try TensorRecord(storage: args[0], offset: args[1], size: args[2], stride: args[3]))
        case .rebuildParameter:
            try expectArgs(args, 3...3)
            guard case .tensor = args[0] else {
                throw FormatError("\(qualifiedName) expects a tensor, found \(args[0].summary)")
            }
            return args[0]
        case .storageType:
            throw FormatError("\(qualifiedName) is only valid inside a persistent id, not called")
        }
    }

    private func expectArgs(_ args: [PickleValue], _ counts: ClosedRange<Int>) throws {
        guard counts.contains(args.count) else {
            throw FormatError("\(qualifiedName) expects \(counts.lowerBound)"
                + (counts.count > 1 ? " to \(counts.upperBound)" : "") + " arguments, found \(args.count)")
        }
    }

    /// Python 3 pickles an OrderedDict empty and fills it with SETITEMS; Python 2 passes the items as pairs.
    private static func orderedDict(_ args: [PickleValue]) throws -> PickleDict {
        guard let items = args.first else { return PickleDict() }
        guard args.count == 1, let pairs = items.sequence else {
            throw FormatError("collections.OrderedDict expects no arguments or a list of pairs, found \(args.count) "
                + "arguments starting with \(items.summary)")
        }
        return PickleDict(try pairs.map { pair in
            guard let kv = pair.sequence, kv.count == 2 else {
                throw FormatError("collections.OrderedDict expects (key, value) pairs, found \(pair.summary)")
            }
            return (key: kv[0], value: kv[1])
        })
    }
}
