// AVX2 + FMA kernels: a 4×2 register tile (4 rows of x × 2 rows of w = 8 ymm accumulators; a
// 4×3 tile needs all 16 registers and spills), each w vector converted once per 4 x rows; the
// last m % 4 rows of x go one at a time against 4 rows of w.
#include "internal.h"

#include <immintrin.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

INLINE AVX2 float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

INLINE float bf16_value(uint16_t h) {
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

INLINE AVX2 __m256 bf16x8(const uint16_t *p) {
  __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

// c[i, j] for i < mr, j < nr (compile-time constants at every call, so the arrays live in
// registers); the k % 8 tail is added in scalar code.
INLINE AVX2 void tile_bf16(
    float *c, long ldc, const float *x, const uint16_t *w, long k, int mr, int nr, int acc) {
  __m256 a[4][2];
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) a[i][j] = _mm256_setzero_ps();
  long p = 0;
  for (; p + 8 <= k; p += 8) {
    __m256 b[2];
    for (int j = 0; j < nr; j++) b[j] = bf16x8(w + j * k + p);
    for (int i = 0; i < mr; i++) {
      __m256 v = _mm256_loadu_ps(x + i * k + p);
      for (int j = 0; j < nr; j++) a[i][j] = _mm256_fmadd_ps(v, b[j], a[i][j]);
    }
  }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) {
      float s = hsum8(a[i][j]);
      for (long t = p; t < k; t++) s += x[i * k + t] * bf16_value(w[j * k + t]);
      float *out = c + i * ldc + j;
      *out = acc ? *out + s : s;
    }
}

// One row of x against nr rows of w, two accumulators per output (even and odd steps of p):
// with one, a single row's FMAs wait on each other's latency instead of on memory.
INLINE AVX2 void row_bf16(float *c, const float *x, const uint16_t *w, long k, int nr, int acc) {
  __m256 a[4][2];
  for (int j = 0; j < nr; j++) a[j][0] = a[j][1] = _mm256_setzero_ps();
  long p = 0;
  for (; p + 16 <= k; p += 16) {
    __m256 v0 = _mm256_loadu_ps(x + p), v1 = _mm256_loadu_ps(x + p + 8);
    for (int j = 0; j < nr; j++) {
      a[j][0] = _mm256_fmadd_ps(v0, bf16x8(w + j * k + p), a[j][0]);
      a[j][1] = _mm256_fmadd_ps(v1, bf16x8(w + j * k + p + 8), a[j][1]);
    }
  }
  for (int j = 0; j < nr; j++) {
    float s = hsum8(_mm256_add_ps(a[j][0], a[j][1]));
    for (long t = p; t < k; t++) s += x[t] * bf16_value(w[j * k + t]);
    c[j] = acc ? c[j] + s : s;
  }
}

// Rows of w in blocks of 4 (two 4×2 tiles per block of 4 rows of x; ROW for the last m % 4
// rows), then 1.
#define DRIVE(TILE, ROW, W_AT)                                                                  \
  do {                                                                                          \
    long j = 0;                                                                                 \
    for (; j + 4 <= n; j += 4) {                                                                \
      long i = 0;                                                                               \
      for (; i + 4 <= m; i += 4) {                                                              \
        TILE(c + i * ldc + j, ldc, x + i * k, W_AT(j), k, 4, 2, acc);                           \
        TILE(c + i * ldc + j + 2, ldc, x + i * k, W_AT(j + 2), k, 4, 2, acc);                   \
      }                                                                                         \
      for (; i < m; i++) ROW(c + i * ldc + j, x + i * k, W_AT(j), k, 4, acc);                   \
    }                                                                                           \
    for (; j < n; j++) {                                                                        \
      long i = 0;                                                                               \
      for (; i + 4 <= m; i += 4) TILE(c + i * ldc + j, ldc, x + i * k, W_AT(j), k, 4, 1, acc);  \
      for (; i < m; i++) ROW(c + i * ldc + j, x + i * k, W_AT(j), k, 1, acc);                   \
    }                                                                                           \
  } while (0)

AVX2 void tp_gemm_bf16_avx2(
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

// 8 weights of row j at p, dequantized: int8 → fp32 times the block's scale.
INLINE AVX2 __m256 q8x8(q8_rows w, long blocks, long j, long k, long p) {
  __m256i wide = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(w.q + j * k + p)));
  return _mm256_mul_ps(_mm256_cvtepi32_ps(wide), _mm256_set1_ps(w.scales[j * blocks + p / 32]));
}

// As tile_bf16 over Q8_0 rows; k is a multiple of 32, so there is no tail.
INLINE AVX2 void tile_q8(
    float *c, long ldc, const float *x, q8_rows w, long k, int mr, int nr, int acc) {
  long blocks = k / 32;
  __m256 a[4][2];
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) a[i][j] = _mm256_setzero_ps();
  for (long p = 0; p < k; p += 8) {
    __m256 b[2];
    for (int j = 0; j < nr; j++) b[j] = q8x8(w, blocks, j, k, p);
    for (int i = 0; i < mr; i++) {
      __m256 v = _mm256_loadu_ps(x + i * k + p);
      for (int j = 0; j < nr; j++) a[i][j] = _mm256_fmadd_ps(v, b[j], a[i][j]);
    }
  }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) {
      float s = hsum8(a[i][j]);
      float *out = c + i * ldc + j;
      *out = acc ? *out + s : s;
    }
}

// As row_bf16 over Q8_0 rows.
INLINE AVX2 void row_q8(float *c, const float *x, q8_rows w, long k, int nr, int acc) {
  long blocks = k / 32;
  __m256 a[4][2];
  for (int j = 0; j < nr; j++) a[j][0] = a[j][1] = _mm256_setzero_ps();
  for (long p = 0; p < k; p += 16) {
    __m256 v0 = _mm256_loadu_ps(x + p), v1 = _mm256_loadu_ps(x + p + 8);
    for (int j = 0; j < nr; j++) {
      a[j][0] = _mm256_fmadd_ps(v0, q8x8(w, blocks, j, k, p), a[j][0]);
      a[j][1] = _mm256_fmadd_ps(v1, q8x8(w, blocks, j, k, p + 8), a[j][1]);
    }
  }
  for (int j = 0; j < nr; j++) {
    float s = hsum8(_mm256_add_ps(a[j][0], a[j][1]));
    c[j] = acc ? c[j] + s : s;
  }
}

AVX2 void tp_gemm_q8_0_avx2(
    float *c, long ldc, const float *x, const int8_t *q, const float *scales, long m, long n,
    long k, int acc) {
#define Q8_AT(j) ((q8_rows){q + (j) * k, scales + (j) * (k / 32)})
  DRIVE(tile_q8, row_q8, Q8_AT);
#undef Q8_AT
}

AVX2 double tp_read_bytes_avx2(const void *p, long bytes) {
  const __m256i *v = p;
  __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
  for (long i = 0; i + 4 <= bytes / 32; i += 4) {
    s0 = _mm256_add_epi64(s0, _mm256_load_si256(v + i));
    s1 = _mm256_add_epi64(s1, _mm256_load_si256(v + i + 1));
    s2 = _mm256_add_epi64(s2, _mm256_load_si256(v + i + 2));
    s3 = _mm256_add_epi64(s3, _mm256_load_si256(v + i + 3));
  }
  __m256i s = _mm256_add_epi64(_mm256_add_epi64(s0, s1), _mm256_add_epi64(s2, s3));
  long long out[4];
  _mm256_storeu_si256((__m256i *)out, s);
  return (double)(out[0] + out[1] + out[2] + out[3]);
}
