import ArgumentParser
import Engine
import Foundation
import StyleTransfer

extension Method: ExpressibleByArgument {}

/// Options every command that runs the model takes.
struct ModelOptions: ParsableArguments {
    @Option(help: "Directory holding the weights under their official names.")
    var weights: String

    @Option(name: .customLong("method"),
            help: "Stylization method: \(Method.allCases.map(\.rawValue).joined(separator: ", ")) (default: sanet when its files are in --weights, else the best method whose files are).")
    var requestedMethod: Method?

    @Option(help: "Threads one stylization keeps busy (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be at least 1") }
    }

    /// The method asked for; otherwise SANet when its files are present, else the best one whose files are.
    var method: Method {
        requestedMethod ?? Method.available(in: URL(fileURLWithPath: weights)).first ?? .sanet
    }

    /// What a pass may use: `--threads`.
    var context: ComputeContext {
        ComputeContext(threads: threads)
    }

    /// Loads only the weights the chosen method needs; says so on stderr when it is not the default.
    func loadModel() throws -> StyleTransferModel {
        let method = method
        if requestedMethod == nil, method != .sanet {
            FileHandle.standardError.write(Data("sanet: SANet's checkpoints are not in \(weights); using --method \(method.rawValue) (see weights/README.md to add them)\n".utf8))
        }
        return try StyleTransferModel(weightsDirectory: URL(fileURLWithPath: weights), methods: [method])
    }
}

/// A failure the user can act on, printed as is.
struct CommandLineError: Error, CustomStringConvertible {
    let description: String
}
