#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H
// C glue over libjpeg-turbo, libpng and libwebp. libjpeg and libpng report
// errors by longjmp, which Swift cannot catch, so every call that can fail
// runs here behind setjmp and returns a status code with a message.

#include <stddef.h>
#include <stdint.h>

/// Status of a decode or encode call.
typedef enum {
    CIC_OK = 0,
    /// The library rejected the data; `message` says why.
    CIC_ERROR_INVALID = 1,
    /// The data ended before the image did; `message` says where.
    CIC_ERROR_TRUNCATED = 2,
    /// The header declares more pixels than `max_pixels`; width and height are set.
    CIC_ERROR_TOO_MANY_PIXELS = 3,
    /// malloc failed for the pixel buffer.
    CIC_ERROR_OUT_OF_MEMORY = 4,
    /// A valid file of a kind this glue does not decode (animated WebP, 12-bit JPEG).
    CIC_ERROR_UNSUPPORTED = 5,
} cic_status;

/// One decoded image, converted to 8-bit RGB the way Pillow's
/// `Image.convert("RGB")` converts the file's mode.
typedef struct {
    int32_t width;
    int32_t height;
    /// Pillow's mode for the file ("RGB", "L", "1", "P", "LA", "RGBA", "CMYK", "I;16").
    char mode[8];
    /// width x height x 3 bytes, row-major; free with cic_free_pixels.
    uint8_t *pixels;
    /// The error for a failed call.
    char message[256];
    /// Warnings from the library, one per line, cut at the buffer's size.
    char warnings[512];
    int32_t warning_count;
} cic_image;

/// Decodes a JPEG with libjpeg's defaults (integer DCT, fancy upsampling), the
/// settings Pillow uses outside draft mode.
cic_status cic_decode_jpeg(const uint8_t *data, size_t size, uint64_t max_pixels, cic_image *image);

/// Decodes a PNG of any bit depth and colour type, interlaced or not.
cic_status cic_decode_png(const uint8_t *data, size_t size, uint64_t max_pixels, cic_image *image);

/// Decodes the first frame of a still WebP, lossy or lossless.
cic_status cic_decode_webp(const uint8_t *data, size_t size, uint64_t max_pixels, cic_image *image);

void cic_free_pixels(cic_image *image);

/// Writes 8-bit RGB pixels as a PNG file at `path`. On failure returns
/// CIC_ERROR_INVALID with `message` (size 256) set.
cic_status cic_write_png_rgb(const char *path, const uint8_t *rgb, int32_t width, int32_t height, char *message);

#endif
