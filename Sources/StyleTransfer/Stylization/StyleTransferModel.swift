import Engine
import Foundation

/// The weights of every loaded method, read once and shared read-only by any number of
/// concurrent stylizations.
public final class StyleTransferModel: Sendable {
    let loaded: [Method: LoadedMethod]
    /// Encoded styles, shared by every stylization with this model.
    public let styleCache = StyleCache()

    /// Loads the checkpoints of `methods` from `directory` (official file names); throws
    /// `CheckpointError` naming the file and key of the first problem (`ONNXError` for Magenta's files).
    public init(weightsDirectory directory: URL, methods: Set<Method>) throws {
        precondition(!methods.isEmpty, "load at least one method")
        HeapReuse.configured
        loaded = try LoadedMethod.load(methods, from: directory)
    }

    /// Loads every method whose files are in `directory`; throws when there is none.
    public convenience init(loadingAvailableIn directory: URL) throws {
        let available = Method.available(in: directory)
        guard !available.isEmpty else { throw StylizeError.noWeights(directory: directory.path) }
        try self.init(weightsDirectory: directory, methods: Set(available))
    }

    public var methods: [Method] {
        Method.allCases.filter { supports($0) }
    }

    public func supports(_ method: Method) -> Bool {
        loaded[method] != nil
    }
}
