import Foundation
import Glibc

/// Writes log lines to a file descriptor from a thread of its own, so that whoever logs (an
/// I/O queue answering a health check, say) never waits for the terminal, a pipe or a
/// collector. The queue of lines is bounded: when the writer falls behind, new lines are
/// dropped and counted, and the count is reported in a line of its own once it catches up.
public final class LogWriter: @unchecked Sendable {
    /// Standard error, where the service's JSON lines go.
    public static let standardError = LogWriter(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let capacityBytes: Int
    private let condition = NSCondition()
    private var lines: [[UInt8]] = []
    private var queuedBytes = 0
    private var dropped = 0
    private var writing = false

    /// `capacityBytes` bounds what waits to be written (1 MB: thousands of access-log lines).
    /// The writer's thread keeps it, so it lives as long as the process, and a line queued by
    /// its last user is still written.
    public init(fileDescriptor: Int32, capacityBytes: Int = 1 << 20) {
        self.fileDescriptor = fileDescriptor
        self.capacityBytes = capacityBytes
        let thread = Thread { self.run() }
        thread.name = "log-writer"
        thread.start()
    }

    /// Queues one line (its newline included); never blocks beyond a short lock.
    public func write(_ line: [UInt8]) {
        condition.withLock {
            guard queuedBytes + line.count <= capacityBytes else {
                dropped += 1
                return
            }
            lines.append(line)
            queuedBytes += line.count
            condition.signal()
        }
    }

    /// Lines dropped so far because the writer was behind.
    public var droppedLines: Int {
        condition.withLock { dropped }
    }

    /// Waits until every queued line is written, at most `timeout` seconds (before the process exits).
    public func flush(timeout: TimeInterval = 2) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.withLock {
            while !lines.isEmpty || writing {
                guard condition.wait(until: deadline) else { return }
            }
        }
    }

    private func run() {
        var reportedDrops = 0
        while true {
            let (batch, drops): ([[UInt8]], Int) = condition.withLock {
                while lines.isEmpty && dropped == reportedDrops { condition.wait() }
                defer {
                    lines = []
                    queuedBytes = 0
                }
                writing = true
                return (lines, dropped)
            }
            var bytes = batch.flatMap { $0 }
            if drops > reportedDrops {
                bytes += JSONLine.record(level: "warning", label: "log", message: "log lines dropped: the writer fell behind",
                                         fields: [("dropped_total", "\(drops)")])
                reportedDrops = drops
            }
            writeAll(bytes)
            condition.withLock {
                writing = false
                condition.broadcast()
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
