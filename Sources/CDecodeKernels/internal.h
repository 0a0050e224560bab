// The per-instruction-set kernels behind the dispatching entry points of CDecodeKernels.h.
#ifndef TREEPO_DECODE_KERNELS_INTERNAL_H
#define TREEPO_DECODE_KERNELS_INTERNAL_H
#include <stdint.h>

void tp_gemm_bf16_avx2(
    float *c, long ldc, const float *x, const uint16_t *w, long m, long n, long k, int acc);
void tp_gemm_bf16_avx512(
    float *c, long ldc, const float *x, const uint16_t *w, long m, long n, long k, int acc);
void tp_gemm_q8_0_avx2(
    float *c, long ldc, const float *x, const int8_t *q, const float *scales, long m, long n,
    long k, int acc);
void tp_gemm_q8_0_avx512(
    float *c, long ldc, const float *x, const int8_t *q, const float *scales, long m, long n,
    long k, int acc);
double tp_read_bytes_avx2(const void *p, long bytes);

#endif
