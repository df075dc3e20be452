#!/usr/bin/env bash
# One-thread GMAC/s of the engine's product kernel (CKernels' exact_sgemm) and of OpenBLAS on
# the shapes the engine multiplies, best of 7 alternated rounds, and their time ratio:
#
#   Benchmarks/products.sh            the kernels this processor runs
#   Benchmarks/products.sh --avx2     the AVX2 code, on a processor with AVX-512 too
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sanet >/dev/null
objects=$(swift build -c release --show-bin-path)/CKernels.build
clang -O2 -ISources/CKernels/include $(pkg-config --cflags openblas) Benchmarks/products.c \
    "$objects"/*.o $(pkg-config --libs openblas) -lm -o .build/products-bench
.build/products-bench "$@"
