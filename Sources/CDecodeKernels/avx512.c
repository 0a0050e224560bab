// AVX-512 (F, BW, VL) kernels: a 4×4 register tile (16 zmm accumulators of the 32), each w
// vector converted once per 4 x rows; a k tail shorter than 16 is read with masked loads.
#include "internal.h"

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

INLINE AVX512 __m512 bf16x16(const uint16_t *p) {
  __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p));
  return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
}

INLINE AVX512 __m512 bf16x16_masked(const uint16_t *p, __mmask16 mask) {
  __m512i wide = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(mask, p));
  return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
}

// Unmasked loads in the main loop (masked ones there ran at a third of the speed), one masked
// step for the k % 16 tail.
INLINE AVX512 void tile_bf16(
    float *c, long ldc, const float *x, const uint16_t *w, long k, int mr, int nr, int acc) {
  __m512 a[4][4];
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) a[i][j] = _mm512_setzero_ps();
  long p = 0;
  for (; p + 16 <= k; p += 16) {
    __m512 b[4];
    for (int j = 0; j < nr; j++) b[j] = bf16x16(w + j * k + p);
    for (int i = 0; i < mr; i++) {
      __m512 v = _mm512_loadu_ps(x + i * k + p);
      for (int j = 0; j < nr; j++) a[i][j] = _mm512_fmadd_ps(v, b[j], a[i][j]);
    }
  }
  if (p < k) {
    __mmask16 mask = (__mmask16)((1u << (k - p)) - 1);
    __m512 b[4];
    for (int j = 0; j < nr; j++) b[j] = bf16x16_masked(w + j * k + p, mask);
    for (int i = 0; i < mr; i++) {
      __m512 v = _mm512_maskz_loadu_ps(mask, x + i * k + p);
      for (int j = 0; j < nr; j++) a[i][j] = _mm512_fmadd_ps(v, b[j], a[i][j]);
    }
  }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) {
      float s = _mm512_reduce_add_ps(a[i][j]);
      float *out = c + i * ldc + j;
      *out = acc ? *out + s : s;
    }
}

// One row of x against nr rows of w, two accumulators per output (even and odd steps of p):
// with one, a single row's FMAs wait on each other's latency instead of on memory.
INLINE AVX512 void row_bf16(float *c, const float *x, const uint16_t *w, long k, int nr, int acc) {
  __m512 a[4][2];
  for (int j = 0; j < nr; j++) a[j][0] = a[j][1] = _mm512_setzero_ps();
  long p = 0;
  for (; p + 32 <= k; p += 32) {
    __m512 v0 = _mm512_loadu_ps(x + p), v1 = _mm512_loadu_ps(x + p + 16);
    for (int j = 0; j < nr; j++) {
      a[j][0] = _mm512_fmadd_ps(v0, bf16x16(w + j * k + p), a[j][0]);
      a[j][1] = _mm512_fmadd_ps(v1, bf16x16(w + j * k + p + 16), a[j][1]);
    }
  }
  for (; p < k; p += 16) {
    __mmask16 mask = k - p >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (k - p)) - 1);
    __m512 v = _mm512_maskz_loadu_ps(mask, x + p);
    for (int j = 0; j < nr; j++)
      a[j][0] = _mm512_fmadd_ps(v, bf16x16_masked(w + j * k + p, mask), a[j][0]);
  }
  for (int j = 0; j < nr; j++) {
    float s = _mm512_reduce_add_ps(_mm512_add_ps(a[j][0], a[j][1]));
    c[j] = acc ? c[j] + s : s;
  }
}

// Rows of w in blocks of 4, then 1; rows of x in blocks of 4 (TILE), then 1 (ROW).
#define DRIVE(TILE, ROW, W_AT)                                                                 \
  do {                                                                                         \
    long j = 0;                                                                                \
    for (; j + 4 <= n; j += 4) {                                                               \
      long i = 0;                                                                              \
      for (; i + 4 <= m; i += 4) TILE(c + i * ldc + j, ldc, x + i * k, W_AT(j), k, 4, 4, acc); \
      for (; i < m; i++) ROW(c + i * ldc + j, x + i * k, W_AT(j), k, 4, acc);                  \
    }                                                                                          \
    for (; j < n; j++) {                                                                       \
      long i = 0;                                                                              \
      for (; i + 4 <= m; i += 4) TILE(c + i * ldc + j, ldc, x + i * k, W_AT(j), k, 4, 1, acc); \
      for (; i < m; i++) ROW(c + i * ldc + j, x + i * k, W_AT(j), k, 1, acc);                  \
    }                                                                                          \
  } while (0)

AVX512 void tp_gemm_bf16_avx512(
    float *c, long ldc, const float *x, const uint16_t *w, long m, long n, long k, int acc) {
#define BF16_AT(j) (w + (j) * k)
  DRIVE(tile_bf16, row_bf16, BF16_AT);
#undef BF16_AT
}

// Q8_0 rows of one tile: the int8 values and their scales, side by side.
typedef struct {
  const int8_t *q;
  const float *scales;
} q8_rows;

INLINE AVX512 void tile_q8(
    float *c, long ldc, const float *x, q8_rows w, long k, int mr, int nr, int acc) {
  long blocks = k / 32;
  __m512 a[4][4];
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) a[i][j] = _mm512_setzero_ps();
  for (long p = 0; p < k; p += 16) {
    __m512 b[4];
    for (int j = 0; j < nr; j++) {
      __m512i wide = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(w.q + j * k + p)));
      __m512 d = _mm512_set1_ps(w.scales[j * blocks + p / 32]);
      b[j] = _mm512_mul_ps(_mm512_cvtepi32_ps(wide), d);
    }
    for (int i = 0; i < mr; i++) {
      __m512 v = _mm512_loadu_ps(x + i * k + p);
      for (int j = 0; j < nr; j++) a[i][j] = _mm512_fmadd_ps(v, b[j], a[i][j]);
    }
  }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) {
      float s = _mm512_reduce_add_ps(a[i][j]);
      float *out = c + i * ldc + j;
      *out = acc ? *out + s : s;
    }
}

INLINE AVX512 __m512 q8x16(q8_rows w, long blocks, long j, long k, long p) {
  __m512i wide = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(w.q + j * k + p)));
  return _mm512_mul_ps(_mm512_cvtepi32_ps(wide), _mm512_set1_ps(w.scales[j * blocks + p / 32]));
}

// As row_bf16: one row of x, one Q8_0 block (two halves, two accumulators) per step.
INLINE AVX512 void row_q8(float *c, const float *x, q8_rows w, long k, int nr, int acc) {
  long blocks = k / 32;
  __m512 a[4][2];
  for (int j = 0; j < nr; j++) a[j][0] = a[j][1] = _mm512_setzero_ps();
  for (long p = 0; p < k; p += 32) {
    __m512 v0 = _mm512_loadu_ps(x + p), v1 = _mm512_loadu_ps(x + p + 16);
    for (int j = 0; j < nr; j++) {
      a[j][0] = _mm512_fmadd_ps(v0, q8x16(w, blocks, j, k, p), a[j][0]);
      a[j][1] = _mm512_fmadd_ps(v1, q8x16(w, blocks, j, k, p + 16), a[j][1]);
    }
  }
  for (int j = 0; j < nr; j++) {
    float s = _mm512_reduce_add_ps(_mm512_add_ps(a[j][0], a[j][1]));
    c[j] = acc ? c[j] + s : s;
  }
}

AVX512 void tp_gemm_q8_0_avx512(
    float *c, long ldc, const float *x, const int8_t *q, const float *scales, long m, long n,
    long k, int acc) {
#define Q8_AT(j) ((q8_rows){q + (j) * k, scales + (j) * (k / 32)})
  DRIVE(tile_q8, row_q8, Q8_AT);
#undef Q8_AT
}
