// WebP decoding through libwebp.
#include "codecs_internal.h"

#include <string.h>
#include <webp/decode.h>

cic_status cic_decode_webp(const uint8_t *data, size_t size, uint64_t max_pixels, uint8_t *out, size_t out_size,
                           cic_image *image) {
    WebPBitstreamFeatures features;
    VP8StatusCode code = WebPGetFeatures(data, size, &features);
    if (code == VP8_STATUS_NOT_ENOUGH_DATA) {
        cic_set_message(image, "the data ends inside the header");
        return CIC_ERROR_TRUNCATED;
    }
    if (code != VP8_STATUS_OK) {
        cic_set_message(image, "invalid WebP header (libwebp status %d)", (int)code);
        return CIC_ERROR_INVALID;
    }
    if (features.has_animation) {
        cic_set_message(image, "animated WebP is not supported");
        return CIC_ERROR_UNSUPPORTED;
    }
    cic_status status = cic_check_size(image, (uint64_t)features.width, (uint64_t)features.height, max_pixels);
    if (status != CIC_OK) {
        return status;
    }
    strcpy(image->mode, features.has_alpha ? "RGBA" : "RGB");

    if (!out || !cic_output_fits(image, out_size)) {
        if (!out) {
            return CIC_OK;  // header only
        }
        cic_set_message(image, "the output buffer does not hold %d x %d RGB pixels", image->width, image->height);
        return CIC_ERROR_INVALID;
    }
    // Decoding straight to RGB drops alpha without compositing, as
    // Pillow's convert("RGB") does.
    size_t stride = (size_t)image->width * 3;
    if (!WebPDecodeRGBInto(data, size, out, out_size, (int)stride)) {
        cic_set_message(image, "libwebp could not decode the image data (damaged or truncated file)");
        return CIC_ERROR_INVALID;
    }
    return CIC_OK;
}
