import CKernels

/// Runs `body` once with the kernels' AVX-512 code and once with their AVX2 code, which is what
/// processors without AVX-512 run (only the latter where the processor lacks AVX-512).
public func forEachInstructionSet(_ body: (String) throws -> Void) rethrows {
    defer { kernels_disable_avx512(0) }
    for disabled: Int32 in [0, 1] {
        kernels_disable_avx512(disabled)
        try body(kernels_use_avx512() != 0 ? "AVX-512" : "AVX2")
        if disabled == 0, kernels_use_avx512() == 0 { return }
    }
}
