import Foundation

/// How one content image of a batch ended.
enum BatchOutcome {
    case written(output: String, seconds: Double, flattenedAlpha: Bool)
    case failed(reason: String)

    /// The line a log keeps of it: "[2/5] photo.jpg -> out/photo.png 1.2 s" or "[2/5] photo.jpg failed: why".
    func line(input: String, position: Int, total: Int) -> String {
        let prefix = "[\(position)/\(total)] \(input)"
        switch self {
        case let .written(output, seconds, flattenedAlpha):
            let note = flattenedAlpha ? " (its transparency is shown on white: the format cannot keep it)" : ""
            return prefix + " -> \(output) " + String(format: "%.1f s", seconds) + note
        case let .failed(reason):
            return prefix + " failed: \(reason)"
        }
    }

    /// Whether it is more than a success: a failure, or a result with a note.
    var needsAttention: Bool {
        if case .written(_, _, false) = self { return false }
        return true
    }
}

/// What a batch tells standard error as it goes: a redrawn bar on a terminal, a line per image otherwise.
protocol BatchProgress {
    /// The `position`-th (from 1) of `total` content images starts.
    func started(_ input: String, position: Int, total: Int)
    func finished(_ input: String, position: Int, total: Int, outcome: BatchOutcome)
    /// The batch is over: nothing more is drawn.
    func end()
}

/// Progress for standard error: the bar when it is a terminal, lines when it is a file or a pipe.
func standardErrorProgress() -> BatchProgress {
    isatty(STDERR_FILENO) != 0 ? ProgressBar() : ProgressLines()
}

/// A line per finished image, for logs and pipes, where a redrawn bar would be noise.
struct ProgressLines: BatchProgress {
    func started(_ input: String, position: Int, total: Int) {}

    func finished(_ input: String, position: Int, total: Int, outcome: BatchOutcome) {
        FileHandle.standardError.write(Data((outcome.line(input: input, position: position, total: total) + "\n").utf8))
    }

    func end() {}
}

extension Duration {
    /// "0:07", "12:34", "1:02:03": a batch's time so far.
    var clock: String {
        let seconds = Int(components.seconds)
        let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }

    /// One image's time, for "1.2 s".
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
