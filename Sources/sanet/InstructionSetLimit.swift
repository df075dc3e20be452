import CKernels
import Engine
import Foundation

/// `SANET_ISA`: the instruction sets the engine may use, as oneDNN's `ONEDNN_MAX_CPU_ISA` does, so
/// that the speed of processors without AVX-512 can be measured on one that has it. `avx2` keeps
/// the engine's kernels to their AVX2 code and OpenBLAS to its Haswell kernels; `avx512` (what
/// runs by default where the processor has it) refuses to start on a processor without it.
enum InstructionSetLimit: String {
    case avx2, avx512

    static let variable = "SANET_ISA"

    /// The limit the environment asks for; nil when it asks for none.
    static func requested() throws -> InstructionSetLimit? {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        guard let limit = InstructionSetLimit(rawValue: value.lowercased()) else {
            throw Refusal("\(variable) must be avx2 or avx512, got '\(value)'")
        }
        return limit
    }

    /// Applies the limit to the engine's kernels; returns the OPENBLAS_CORETYPE the process must
    /// be started again with, when OpenBLAS, which picks its kernels as it loads, chose others.
    func apply() throws -> String? {
        switch self {
        case .avx2:
            kernels_disable_avx512(1)
            return ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]?.lowercased() == "haswell" ? nil : "Haswell"
        case .avx512:
            guard kernels_use_avx512() != 0 else {
                throw Refusal("\(Self.variable)=avx512, but this processor has no AVX-512; unset it or set avx2")
            }
            return nil
        }
    }

    /// What the engine runs now, for `sanet bench` to print beside its figures.
    static var description: String {
        "kernels=\(kernels_use_avx512() != 0 ? "avx512" : "avx2") openblas=\(BLASConfiguration.coreName.lowercased())"
    }

    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
