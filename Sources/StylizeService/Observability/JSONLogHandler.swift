import Logging

/// Writes each log record as one JSON object per line on standard error, the shape log
/// collectors parse without configuration. Lines go through a ``LogWriter``, so logging never
/// blocks the caller.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let writer: LogWriter
    /// Keys every record has; metadata cannot replace them.
    private static let recordKeys: Set<String> = ["time", "level", "logger", "message"]

    public init(label: String, writer: LogWriter = .standardError) {
        self.label = label
        self.writer = writer
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }).mapValues { "\($0)" }
        if let error = event.error { merged["error"] = "\(error)" }
        let fields = merged.filter { !Self.recordKeys.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        writer.write(JSONLine.record(level: event.level.rawValue, label: label, message: event.message.description,
                                     fields: fields))
    }
}
