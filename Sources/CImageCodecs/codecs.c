// Shared helpers of the decoders: buffer allocation with overflow checks,
// warning collection, and the conversions to RGB that match Pillow 13.
#include "codecs_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cic_set_message(cic_image *image, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(image->message, sizeof image->message, format, arguments);
    va_end(arguments);
}

void cic_add_warning(cic_image *image, const char *text) {
    image->warning_count += 1;
    size_t used = strlen(image->warnings);
    size_t room = sizeof image->warnings - used;
    if (room > 1) {
        snprintf(image->warnings + used, room, "%s\n", text);
    }
}

cic_status cic_check_size(cic_image *image, uint64_t width, uint64_t height, uint64_t max_pixels) {
    image->width = (int32_t)(width > INT32_MAX ? INT32_MAX : width);
    image->height = (int32_t)(height > INT32_MAX ? INT32_MAX : height);
    if (width == 0 || height == 0) {
        cic_set_message(image, "the header declares an empty image (%llu x %llu pixels)",
                        (unsigned long long)width, (unsigned long long)height);
        return CIC_ERROR_INVALID;
    }
    // Both factors are below 2^32, so the product fits in 64 bits.
    uint64_t pixels = width * height;
    if (width > INT32_MAX || height > INT32_MAX || pixels > max_pixels || pixels > SIZE_MAX / 16) {
        return CIC_ERROR_TOO_MANY_PIXELS;
    }
    return CIC_OK;
}

int cic_output_fits(const cic_image *image, size_t out_size) {
    return out_size == (size_t)image->width * (size_t)image->height * 3;
}

void cic_gray_to_rgb(uint8_t *out, const uint8_t *gray, size_t count) {
    // Runs backwards so that `out` may start where `gray` starts.
    for (size_t i = count; i > 0; i--) {
        uint8_t value = gray[i - 1];
        out[3 * (i - 1)] = value;
        out[3 * (i - 1) + 1] = value;
        out[3 * (i - 1) + 2] = value;
    }
}

// Pillow's MULDIV255: a * b / 255 rounded, computed without a division.
static inline int multiply_divide_255(int a, int b) {
    int product = a * b + 128;
    return ((product >> 8) + product) >> 8;
}

static inline uint8_t clip8(int value) {
    return value < 0 ? 0 : (value > 255 ? 255 : (uint8_t)value);
}

void cic_inverted_cmyk_to_rgb(uint8_t *out, const uint8_t *cmyk, size_t count) {
    for (size_t i = 0; i < count; i++) {
        // Pillow reads every 4-channel JPEG as "CMYK;I" (Adobe's inverted
        // polarity), then converts with r = (255 - k) - c * (255 - k) / 255.
        int c = 255 - cmyk[4 * i];
        int m = 255 - cmyk[4 * i + 1];
        int y = 255 - cmyk[4 * i + 2];
        int inverse_k = cmyk[4 * i + 3];
        out[3 * i] = clip8(inverse_k - multiply_divide_255(c, inverse_k));
        out[3 * i + 1] = clip8(inverse_k - multiply_divide_255(m, inverse_k));
        out[3 * i + 2] = clip8(inverse_k - multiply_divide_255(y, inverse_k));
    }
}
