import COpenBLAS
import Foundation

/// What OpenBLAS, which does the heavy products where CKernels does not, chose when it loaded.
/// The engine runs every OpenBLAS call on one thread of its own (see `MatrixProduct`).
public enum BLASConfiguration {
    /// The kernel family OpenBLAS chose when it was loaded.
    public static var coreName: String {
        String(cString: openblas_get_corename())
    }

    /// The `OPENBLAS_CORETYPE` this processor should run with, when OpenBLAS did not recognise
    /// it and fell back to its generic SSE3 kernels (about 3x slower on this model: an OpenBLAS
    /// release older than the processor does that); nil when it chose well or the variable is set.
    public static func recommendedCoreType() -> String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              coreName.lowercased() == "prescott",
              let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return nil }
        let flags = Set(flagLine.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }
}
