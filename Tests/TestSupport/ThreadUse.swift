import Foundation

/// The processor time each thread of this process spent while `body` ran, read from
/// /proc/self/task: what the operating system saw, whoever started the threads (the engine,
/// Dispatch or OpenBLAS).
public struct ThreadUse {
    /// Seconds of processor time per thread, for the threads that used any.
    public let secondsByThread: [Int: Double]
    public let wallSeconds: Double

    public var totalSeconds: Double { secondsByThread.values.reduce(0, +) }

    /// The share of the work that threads other than the busiest one did: about 1 - 1/n when n
    /// threads share it evenly, 0 when one thread does it all.
    public var shareOffTheBusiestThread: Double {
        totalSeconds > 0 ? 1 - (secondsByThread.values.max() ?? 0) / totalSeconds : 0
    }

    public static func measure(_ body: () throws -> Void) rethrows -> ThreadUse {
        let before = threadTimes()
        let start = Date()
        try body()
        let wall = -start.timeIntervalSinceNow
        let after = threadTimes()
        var used: [Int: Double] = [:]
        for (thread, seconds) in after {
            let delta = seconds - (before[thread] ?? 0)
            if delta > 0 { used[thread] = delta }
        }
        return ThreadUse(secondsByThread: used, wallSeconds: wall)
    }

    /// utime + stime of every thread, in seconds.
    private static func threadTimes() -> [Int: Double] {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var times: [Int: Double] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for task in tasks {
            guard let id = Int(task), let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                  let end = stat.lastIndex(of: ")") else { continue }
            // Fields after the command name: state is field 3, utime 14 and stime 15.
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            times[id] = (user + system) / ticks
        }
        return times
    }
}
