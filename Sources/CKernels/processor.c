#include "CKernels.h"

int engine_processor_supported(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 1;
#endif
}

static int avx512_disabled = 0;

void kernels_disable_avx512(int disabled) { avx512_disabled = disabled; }

int kernels_use_avx512(void) {
#if defined(__x86_64__)
    return !avx512_disabled && __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}
