// The engine's matrix products side by side with OpenBLAS's on one thread: the shapes that
// MatrixProduct.multiply sends to one or the other (the Winograd bands' 32-column products, a
// partial panel, the attention's long rows). Built and run by Benchmarks/products.sh against
// the release build's own CKernels objects, so it measures the kernel that ships.
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CKernels.h"

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *filled(long count) {
    float *values = malloc(sizeof(float) * count);
    for (long i = 0; i < count; i++) values[i] = rand() / (float)RAND_MAX - 0.5f;
    return values;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--avx2") == 0) kernels_disable_avx512(1);
    openblas_set_num_threads(1);
    // m, n, k: C (m x n) = A (m x k) B (k x n); the first five as one Winograd band's 36 positions.
    const int shapes[][3] = {{64, 32, 64},   {128, 32, 128}, {256, 32, 256},  {512, 32, 256},
                             {512, 32, 512}, {128, 20, 128}, {64, 4096, 512}, {64, 512, 4096}};
    printf("kernels=%s\n", kernels_use_avx512() ? "avx512" : "avx2");
    printf("%-16s %12s %16s %20s %10s\n", "m x n x k", "positions", "own GMAC/s", "OpenBLAS GMAC/s", "time ratio");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        // Distinct matrices per position, as a band's 36 products read 36 filters.
        const int positions = (long)m * k < 100000 ? 36 : 8;
        float *a = filled((long)m * k * positions), *b = filled((long)k * n * positions);
        float *own = calloc((size_t)m * n * positions, sizeof(float));
        float *blas = calloc((size_t)m * n * positions, sizeof(float));
        const double macs = (double)m * n * k * positions;
        const int reps = (int)(1e9 / macs) + 1;
        double best_own = INFINITY, best_blas = INFINITY;
        for (int round = 0; round < 7; round++) {
            double start = seconds();
            for (int r = 0; r < reps; r++)
                for (int p = 0; p < positions; p++)
                    exact_sgemm(m, n, k, 512, a + (long)p * m * k, b + (long)p * k * n, n, own + (long)p * m * n, n);
            best_own = fmin(best_own, (seconds() - start) / reps);
            start = seconds();
            for (int r = 0; r < reps; r++)
                for (int p = 0; p < positions; p++)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a + (long)p * m * k, k,
                                b + (long)p * k * n, n, 0, blas + (long)p * m * n, n);
            best_blas = fmin(best_blas, (seconds() - start) / reps);
        }
        double difference = 0;
        for (long i = 0; i < (long)m * n * positions; i++) difference = fmax(difference, fabs(own[i] - blas[i]));
        if (difference > 1e-3) {
            fprintf(stderr, "%dx%dx%d: the products differ by %g\n", m, n, k, difference);
            return 1;
        }
        char shape[32];
        snprintf(shape, sizeof shape, "%dx%dx%d", m, n, k);
        printf("%-16s %12d %16.1f %20.1f %10.2f\n", shape, positions, macs / best_own * 1e-9, macs / best_blas * 1e-9,
               best_own / best_blas);
        free(a), free(b), free(own), free(blas);
    }
    return 0;
}
