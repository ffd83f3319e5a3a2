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
    /// The library rejected the data, for the reason in `message`.
    CIC_ERROR_INVALID = 1,
    /// The data ended before the image did, as `message` details.
    CIC_ERROR_TRUNCATED = 2,
    /// The header declares more pixels than `max_pixels`; width and height are set.
    CIC_ERROR_TOO_MANY_PIXELS = 3,
    /// malloc failed for the pixel buffer.
    CIC_ERROR_OUT_OF_MEMORY = 4,
    /// A valid file of a kind this glue does not decode (animated WebP, 12-bit JPEG).
    CIC_ERROR_UNSUPPORTED = 5,
} cic_status;

/// The outcome of a decode call: the size and mode from the header, an error
/// message or warnings.
typedef struct {
    int32_t width;
    int32_t height;
    /// Pillow's mode for the file ("RGB", "L", "1", "P", "LA", "RGBA", "CMYK", "I;16").
    char mode[8];
    /// The error for a failed call.
    char message[256];
    /// Warnings from the library, one per line, cut at the buffer's size.
    char warnings[512];
    int32_t warning_count;
} cic_image;

// Each decoder reads the header, checks width x height against `max_pixels`,
// and then, when `out` is NULL, stops with CIC_OK and the size in `image`.
// Otherwise it decodes into `out`, which must hold width x height x 3 bytes
// (`out_size`): 8-bit RGB, row-major, converted the way Pillow's
// `Image.convert("RGB")` converts the file's mode. Calling first with NULL
// lets the caller allocate the pixels itself.

/// Decodes a JPEG with libjpeg's defaults (integer DCT, fancy upsampling), the
/// settings Pillow uses outside draft mode.
cic_status cic_decode_jpeg(const uint8_t *data, size_t size, uint64_t max_pixels, uint8_t *out, size_t out_size,
                           cic_image *image);

/// Decodes a PNG of any bit depth and colour type, interlaced or not.
cic_status cic_decode_png(const uint8_t *data, size_t size, uint64_t max_pixels, uint8_t *out, size_t out_size,
                          cic_image *image);

/// Decodes a still WebP, lossy or lossless.
cic_status cic_decode_webp(const uint8_t *data, size_t size, uint64_t max_pixels, uint8_t *out, size_t out_size,
                           cic_image *image);

/// Writes 8-bit RGB pixels as a PNG file at `path`. On failure returns
/// CIC_ERROR_INVALID with `message` (size 256) set.
cic_status cic_write_png_rgb(const char *path, const uint8_t *rgb, int32_t width, int32_t height, char *message);

#endif
