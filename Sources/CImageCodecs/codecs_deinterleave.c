// Splitting interleaved RGB into planes, for the resize's dot products. Swift
// has no byte shuffle, and x86-64's baseline (SSE2) has none either, so the
// SSSE3 version is chosen at run time with CPUID.
#include "CImageCodecs.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <tmmintrin.h>

// pshufb masks that gather one channel of 16 pixels (48 bytes in three
// registers) into one register. Each -1 leaves a zero byte to OR with the others.
#define Z -1
static const int8_t red_masks[3][16] = {
    {0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
    {Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14, Z, Z, Z, Z, Z},
    {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 1, 4, 7, 10, 13},
};
static const int8_t green_masks[3][16] = {
    {1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
    {Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z},
    {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14},
};
static const int8_t blue_masks[3][16] = {
    {2, 5, 8, 11, 14, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
    {Z, Z, Z, Z, Z, 1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z},
    {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15},
};
#undef Z

__attribute__((target("ssse3"))) static __m128i gather_channel(__m128i a, __m128i b, __m128i c,
                                                              const int8_t masks[3][16]) {
    __m128i from_a = _mm_shuffle_epi8(a, _mm_loadu_si128((const __m128i *)masks[0]));
    __m128i from_b = _mm_shuffle_epi8(b, _mm_loadu_si128((const __m128i *)masks[1]));
    __m128i from_c = _mm_shuffle_epi8(c, _mm_loadu_si128((const __m128i *)masks[2]));
    return _mm_or_si128(_mm_or_si128(from_a, from_b), from_c);
}

/// Splits whole blocks of 16 pixels and returns how many pixels it split.
__attribute__((target("ssse3"))) static size_t deinterleave_ssse3(const uint8_t *rgb, size_t count, uint8_t *red,
                                                                 uint8_t *green, uint8_t *blue) {
    size_t pixel = 0;
    for (; pixel + 16 <= count; pixel += 16) {
        const uint8_t *block = rgb + pixel * 3;
        __m128i a = _mm_loadu_si128((const __m128i *)block);
        __m128i b = _mm_loadu_si128((const __m128i *)(block + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(block + 32));
        _mm_storeu_si128((__m128i *)(red + pixel), gather_channel(a, b, c, red_masks));
        _mm_storeu_si128((__m128i *)(green + pixel), gather_channel(a, b, c, green_masks));
        _mm_storeu_si128((__m128i *)(blue + pixel), gather_channel(a, b, c, blue_masks));
    }
    return pixel;
}

static int has_ssse3(void) {
    // 0 unknown, 1 absent, 2 present. Threads that race here store the same value.
    static int state = 0;
    int known = __atomic_load_n(&state, __ATOMIC_RELAXED);
    if (known == 0) {
        unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
        int present = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_SSSE3);
        known = present ? 2 : 1;
        __atomic_store_n(&state, known, __ATOMIC_RELAXED);
    }
    return known == 2;
}
#endif

void cic_deinterleave_rgb(const uint8_t *rgb, size_t count, uint8_t *red, uint8_t *green, uint8_t *blue) {
    size_t pixel = 0;
#if defined(__x86_64__) || defined(__i386__)
    if (has_ssse3()) {
        pixel = deinterleave_ssse3(rgb, count, red, green, blue);
    }
#endif
    for (; pixel < count; pixel++) {
        red[pixel] = rgb[pixel * 3];
        green[pixel] = rgb[pixel * 3 + 1];
        blue[pixel] = rgb[pixel * 3 + 2];
    }
}
