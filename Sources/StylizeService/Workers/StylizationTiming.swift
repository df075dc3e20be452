import Foundation

/// A running average of stylization time, to tell refused clients when to retry.
final class StylizationTiming: @unchecked Sendable {
    private let lock = NSLock()
    private var average: Double?

    func record(seconds: Double) {
        lock.withLock { average = average.map { 0.8 * $0 + 0.2 * seconds } ?? seconds }
    }

    /// Seconds until `waiting` queued requests have been served by `workers`, at least 1.
    func retryAfter(waiting: Int, workers: Int) -> Int {
        let each = lock.withLock { average } ?? 5
        return max(1, Int((each * Double(waiting + 1) / Double(max(1, workers))).rounded(.up)))
    }
}
