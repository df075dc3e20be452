/// Checks that an unpickled object is a flat state dict. Strict on purpose: a wrapped checkpoint
/// ({'state_dict': ...}) or a pickled module is reported, not guessed at.
enum StateDict {
    static func tensors(in value: PickleValue) throws -> [String: TensorRecord] {
        guard case .dict(let dict) = value else {
            throw FormatError("expected a state dict (a dict of str -> tensor), found \(value.summary)")
        }
        var records: [String: TensorRecord] = [:]
        for (key, item) in dict.entries {
            guard let name = key.string else {
                throw FormatError("expected a state dict with str keys, found a key that is \(key.summary)")
            }
            switch item {
            case .tensor(let record):
                guard records.updateValue(record, forKey: name) == nil else {
                    throw FormatError(key: name, "the key appears twice in the state dict")
                }
            case .dict:
                throw FormatError(key: name, "expected a tensor, found a nested \(item.summary); this looks like a "
                    + "wrapped checkpoint: save the model's state_dict() itself")
            default:
                throw FormatError(key: name, "expected a tensor, found \(item.summary)")
            }
        }
        return records
    }
}
