import Foundation

/// A program run to its end, as the tests run `sanet` and curl: its status and both outputs.
public struct ProcessRun {
    public let status: Int32
    public let stdoutBytes: Data
    public let stderrBytes: Data

    public var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    public var stderr: String { String(decoding: stderrBytes, as: UTF8.self) }

    /// Runs `executable` and waits for it. Both outputs are read at once, so that neither pipe
    /// fills while the other is read.
    public static func run(_ executable: URL, _ arguments: [String]) throws -> ProcessRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderr = ErrorOutput()
        let errorRead = DispatchGroup()
        DispatchQueue.global().async(group: errorRead) { stderr.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        errorRead.wait()
        process.waitUntilExit()
        return ProcessRun(status: process.terminationStatus, stdoutBytes: stdout, stderrBytes: stderr.data)
    }

    /// curl with `arguments`, giving up after `timeout` seconds.
    public static func curl(_ arguments: [String], timeout: Int = 120) throws -> ProcessRun {
        try run(URL(fileURLWithPath: "/usr/bin/curl"), ["-sS", "--max-time", "\(timeout)"] + arguments)
    }

    /// The `sanet` executable that the test bundle was built with.
    public static let sanet = Bundle.main.bundleURL.appendingPathComponent("sanet")
}

/// Standard error as read on another thread, handed over once that thread is done.
private final class ErrorOutput: @unchecked Sendable {
    var data = Data()
}
