import ArgumentParser
import Foundation
import SANet

extension Method: ExpressibleByArgument {}

/// Options every command that runs the model takes.
struct ModelOptions: ParsableArguments {
    @Option(help: "Directory holding the checkpoints under their official names.")
    var weights: String

    @Option(help: "Stylization method: \(Method.allCases.map(\.rawValue).joined(separator: " or ")).")
    var method: Method = .sanet

    @Option(help: "Threads for the matrix products (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be at least 1") }
    }

    /// Loads only the checkpoints the chosen method needs.
    func loadModel() throws -> StyleTransferModel {
        BLASConfiguration.setThreads(threads)
        return try StyleTransferModel(weightsDirectory: URL(fileURLWithPath: weights), methods: [method])
    }
}

/// A failure the user can act on, printed as is.
struct CommandLineError: Error, CustomStringConvertible {
    let description: String
}
