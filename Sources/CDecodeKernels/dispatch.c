// CPU detection, the scalar kernels (reference behaviour and the fallback) and conversions.
#include "CDecodeKernels.h"
#include "internal.h"

#include <cpuid.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

static tp_isa detect_isa(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return TP_ISA_SCALAR;
  int osxsave = (c >> 27) & 1, fma = (c >> 12) & 1, avx = (c >> 28) & 1;
  if (!osxsave || !avx || !fma) return TP_ISA_SCALAR;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if ((lo & 0x6) != 0x6) return TP_ISA_SCALAR;  // the OS saves xmm and ymm state
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return TP_ISA_SCALAR;
  int avx2 = (b >> 5) & 1;
  int avx512 = ((b >> 16) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1);  // F, BW, VL
  if (avx512 && (lo & 0xE0) == 0xE0) return TP_ISA_AVX512;  // opmask and zmm state saved
  return avx2 ? TP_ISA_AVX2 : TP_ISA_SCALAR;
}

tp_isa tp_best_isa(void) {
  static atomic_int cached = -1;
  int v = atomic_load_explicit(&cached, memory_order_relaxed);
  if (v < 0) {
    v = (int)detect_isa();
    atomic_store_explicit(&cached, v, memory_order_relaxed);
  }
  return (tp_isa)v;
}

static uint16_t bf16_round(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);  // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1);
  return (uint16_t)(u >> 16);
}

void tp_f32_to_bf16(uint16_t *dst, const float *src, long count) {
  for (long i = 0; i < count; i++) dst[i] = bf16_round(src[i]);
}

void tp_quantize_q8_0(int8_t *q, float *scales, const float *src, long rows, long k) {
  long blocks = k / TP_Q8_BLOCK;
  for (long r = 0; r < rows; r++) {
    for (long b = 0; b < blocks; b++) {
      const float *x = src + r * k + b * TP_Q8_BLOCK;
      int8_t *out = q + r * k + b * TP_Q8_BLOCK;
      float amax = 0;
      for (int i = 0; i < TP_Q8_BLOCK; i++) amax = fmaxf(amax, fabsf(x[i]));
      float d = amax / 127.0f;
      float id = d != 0 ? 1.0f / d : 0.0f;
      for (int i = 0; i < TP_Q8_BLOCK; i++) out[i] = (int8_t)roundf(x[i] * id);
      scales[r * blocks + b] = d;
    }
  }
}

static float bf16_value(uint16_t h) {
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static void store(float *c, float v, int accumulate) { *c = accumulate ? *c + v : v; }

static void gemm_bf16_scalar(
    float *c, long ldc, const float *x, const uint16_t *w, long m, long n, long k, int acc) {
  for (long i = 0; i < m; i++)
    for (long j = 0; j < n; j++) {
      float s = 0;
      for (long p = 0; p < k; p++) s += x[i * k + p] * bf16_value(w[j * k + p]);
      store(c + i * ldc + j, s, acc);
    }
}

static void gemm_q8_0_scalar(
    float *c, long ldc, const float *x, const int8_t *q, const float *scales, long m, long n,
    long k, int acc) {
  long blocks = k / TP_Q8_BLOCK;
  for (long i = 0; i < m; i++)
    for (long j = 0; j < n; j++) {
      float s = 0;
      for (long p = 0; p < k; p++)
        s += x[i * k + p] * ((float)q[j * k + p] * scales[j * blocks + p / TP_Q8_BLOCK]);
      store(c + i * ldc + j, s, acc);
    }
}

void tp_gemm_bf16(
    tp_isa isa, float *c, long ldc, const float *x, const uint16_t *w, long m, long n, long k,
    int accumulate) {
  if (isa > tp_best_isa()) isa = tp_best_isa();
  if (isa == TP_ISA_AVX512)
    tp_gemm_bf16_avx512(c, ldc, x, w, m, n, k, accumulate);
  else if (isa == TP_ISA_AVX2)
    tp_gemm_bf16_avx2(c, ldc, x, w, m, n, k, accumulate);
  else
    gemm_bf16_scalar(c, ldc, x, w, m, n, k, accumulate);
}

void tp_gemm_q8_0(
    tp_isa isa, float *c, long ldc, const float *x, const int8_t *q, const float *scales, long m,
    long n, long k, int accumulate) {
  if (isa > tp_best_isa()) isa = tp_best_isa();
  if (isa == TP_ISA_AVX512)
    tp_gemm_q8_0_avx512(c, ldc, x, q, scales, m, n, k, accumulate);
  else if (isa == TP_ISA_AVX2)
    tp_gemm_q8_0_avx2(c, ldc, x, q, scales, m, n, k, accumulate);
  else
    gemm_q8_0_scalar(c, ldc, x, q, scales, m, n, k, accumulate);
}

double tp_read_bytes(const void *p, long bytes) {
  if (tp_best_isa() >= TP_ISA_AVX2) return tp_read_bytes_avx2(p, bytes);
  const uint64_t *u = p;
  uint64_t s = 0;
  for (long i = 0; i < bytes / 8; i++) s += u[i];
  return (double)s;
}
