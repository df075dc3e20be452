import ArgumentParser
import Foundation
import SANet

@main
struct SanetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sanet",
        abstract: "Arbitrary style transfer with style-attentional networks (SANet) and AdaIN.",
        subcommands: [StylizeCommand.self, BenchCommand.self, ServeCommand.self]
    )

    /// OpenBLAS picks its kernels when the process loads, before any Swift code runs, so a
    /// better kernel family for this processor can only be had by starting again with it set.
    static func main() {
        if let coreType = BLASConfiguration.recommendedCoreType() {
            setenv("OPENBLAS_CORETYPE", coreType, 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)
        }
        main(nil)
    }
}
