/// Resolves the persistent ids that stand for storages and remembers every root storage the pickle used,
/// so the format knows which bytes exist and what element size they have.
final class StorageTable {
    private(set) var roots: [String: StorageRef] = [:]

    /// Zip files write ('storage', type, key, location, numel); legacy files add a sixth item, the view
    /// (view key, offset, numel) or None.
    func resolve(_ id: PickleValue) throws -> PickleValue {
        guard let items = id.sequence, let kind = items.first?.string else {
            throw FormatError("expected a persistent id ('storage', ...), found \(id.summary)")
        }
        guard kind == "storage" else {
            if kind == "module" {
                throw FormatError("expected a state dict, found a pickled nn.Module; save model.state_dict() instead")
            }
            throw FormatError("expected a persistent id of kind 'storage', found '\(kind)'")
        }
        guard items.count == 5 || items.count == 6 else {
            throw FormatError("expected a storage persistent id of 5 or 6 items, found \(items.count)")
        }
        guard case .global(.storageType(let dtype)) = items[1] else {
            throw FormatError("expected a torch.*Storage type in a persistent id, found \(items[1].summary)")
        }
        guard let key = items[2].string, let numel = items[4].int else {
            throw FormatError("expected a storage key and element count, found \(items[2].summary) and \(items[4].summary)")
        }
        var viewOffset = 0
        var viewNumel: Int?
        if items.count == 6, let view = items[5].sequence {
            guard view.count == 3, let offset = view[1].int, let size = view[2].int else {
                throw FormatError("expected a storage view (key, offset, numel), found \(items[5].summary)")
            }
            (viewOffset, viewNumel) = (offset, size)
        }
        let ref = try StorageRef(key: key, dtype: dtype, rootNumel: numel, viewOffset: viewOffset, viewNumel: viewNumel)
        if let known = roots[key] {
            guard known.dtype == dtype, known.rootNumel == numel else {
                throw FormatError("storage '\(key)' is used as \(known.rootNumel) \(known.dtype.rawValue) elements and as "
                    + "\(numel) \(dtype.rawValue) elements")
            }
        } else {
            roots[key] = ref
        }
        return .storage(ref)
    }
}
