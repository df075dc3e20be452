import Foundation

/// A single line on a terminal, redrawn as the batch goes and every second (so the elapsed time
/// moves during a long image): a bar of the images done, the current one's count and name, and
/// the time since the batch started. A failure, or a note on a result, is printed above it as the
/// line a log would keep; the bar is drawn again when the next image starts.
final class ProgressBar: BatchProgress, @unchecked Sendable {
    /// The state the timer's redraws read, guarded by `lock`.
    private let lock = NSLock()
    private var done = 0
    private var position = 0
    private var total = 0
    private var input = ""
    /// Set by `end()`, so that a timer tick already on its way draws nothing after it.
    private var ended = false
    private let start = ContinuousClock.now
    private let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "progress-bar"))

    init() {
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
    }

    func started(_ input: String, position: Int, total: Int) {
        lock.withLock {
            self.input = input
            self.position = position
            self.total = total
        }
        redraw()
    }

    func finished(_ input: String, position: Int, total: Int, outcome: BatchOutcome) {
        lock.withLock {
            done = position
            if outcome.needsAttention {
                write(Self.clearLine + outcome.line(input: input, position: position, total: total) + "\n")
            }
        }
    }

    func end() {
        timer.cancel()
        lock.withLock {
            ended = true
            write(Self.clearLine)
        }
    }

    private func redraw() {
        lock.withLock {
            guard total > 0, !ended else { return }
            let line = Self.render(done: done, position: position, total: total, input: input,
                                   elapsed: ContinuousClock.now - start, columns: Self.terminalColumns())
            write(Self.clearLine + line)
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Back to the line's start and erase it.
    static let clearLine = "\r\u{1B}[K"
    static let barWidth = 20

    /// "[########............] 2/5 0:12 photos/photo.jpg", the name shortened from its start so
    /// that the line fits in `columns` without wrapping (a wrapped line could not be redrawn).
    static func render(done: Int, position: Int, total: Int, input: String, elapsed: Duration, columns: Int) -> String {
        let filled = total > 0 ? barWidth * done / total : 0
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "]"
        let head = "\(bar) \(position)/\(total) \(elapsed.clock) "
        let room = columns - 1 - head.count
        guard room >= 4 else { return String(head.prefix(max(columns - 1, 0))) }
        return head + (input.count <= room ? input : "…" + input.suffix(room - 1))
    }

    /// The terminal's width; 80 where it does not say.
    private static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
