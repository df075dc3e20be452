import ArgumentParser
import CKernels
import Engine
import Foundation
import StyleTransfer

@main
struct SanetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sanet",
        abstract: "Arbitrary style transfer with style-attentional networks (SANet) and AdaIN.",
        subcommands: [StylizeCommand.self, BenchCommand.self, ServeCommand.self]
    )

    /// The engine's instruction set is checked before any of its code runs, and `SANET_ISA`
    /// applied. OpenBLAS picks its kernels when the process loads, before any Swift code runs, so
    /// a better (or, for SANET_ISA, a more limited) kernel family can only be had by starting
    /// again with it set.
    static func main() {
        guard engine_processor_supported() != 0 else {
            FileHandle.standardError.write(Data(("sanet: this build needs a processor with AVX2 and FMA (Intel Haswell, "
                + "AMD Zen or later); rebuild without -target-cpu in Package.swift for older ones\n").utf8))
            Foundation.exit(1)
        }
        do {
            if let coreType = try InstructionSetLimit.requested()?.apply() ?? BLASConfiguration.recommendedCoreType() {
                setenv("OPENBLAS_CORETYPE", coreType, 1)
                execv("/proc/self/exe", CommandLine.unsafeArgv)
            }
        } catch {
            FileHandle.standardError.write(Data("sanet: \(error)\n".utf8))
            Foundation.exit(1)
        }
        main(nil)
    }
}
