// Decode-time matrix kernels over compact weights (bf16, Q8_0 blocks), plus a memory-read loop
// for measuring bandwidth. C because Swift has no per-function target attribute: each kernel has
// an AVX2+FMA and an AVX-512 version, and the caller picks one at run time (tp_best_isa).
//
// Every GEMM computes c[i, j] (+)= Σ_p x[i, p] · w[j, p] for i < m, j < n: x [m, k] packed fp32
// activations, w [n, k] a compact copy of an HF [out, in] weight, c with row stride ldc.
#ifndef TREEPO_DECODE_KERNELS_H
#define TREEPO_DECODE_KERNELS_H

#include <stdint.h>

/// Instruction sets a kernel can be run with.
typedef enum { TP_ISA_SCALAR = 0, TP_ISA_AVX2 = 1, TP_ISA_AVX512 = 2 } tp_isa;

/// The widest of the above that this CPU and OS support (cpuid + xgetbv, checked once).
tp_isa tp_best_isa(void);

/// Q8_0 block length: 32 int8 values share one fp32 scale (as ggml's Q8_0, with an fp32 scale).
#define TP_Q8_BLOCK 32

/// dst[i] = bf16(src[i]), rounded to nearest even (NaN stays NaN).
void tp_f32_to_bf16(uint16_t *dst, const float *src, long count);
/// Each row of src [rows, k] (k a multiple of 32) as Q8_0: scale = max|block| / 127,
/// q = round(x / scale); q [rows, k], scales [rows, k / 32].
void tp_quantize_q8_0(int8_t *q, float *scales, const float *src, long rows, long k);

/// c (+)= x · bf16(w)ᵀ; w [n, k] bf16; any k.
void tp_gemm_bf16(
    tp_isa isa, float *c, long ldc, const float *x, const uint16_t *w, long m, long n, long k,
    int accumulate);
/// c (+)= x · (q · scale)ᵀ; q [n, k] int8, scales [n, k / 32]; k a multiple of 32.
void tp_gemm_q8_0(
    tp_isa isa, float *c, long ldc, const float *x, const int8_t *q, const float *scales, long m,
    long n, long k, int accumulate);

/// Reads `bytes` bytes (a multiple of 128, 64-byte aligned) and returns a sum of them so the
/// reads cannot be optimised away.
double tp_read_bytes(const void *p, long bytes);

#endif
