#ifndef CIC_INTERNAL_H
#define CIC_INTERNAL_H
#include "CImageCodecs.h"

void cic_set_message(cic_image *image, const char *format, ...) __attribute__((format(printf, 2, 3)));
void cic_add_warning(cic_image *image, const char *text);

/// Stores the size in `image` and checks it against `max_pixels` and what
/// an allocation can hold.
cic_status cic_check_size(cic_image *image, uint64_t width, uint64_t height, uint64_t max_pixels);

/// Returns nonzero when `out_size` is width x height x 3 bytes.
int cic_output_fits(const cic_image *image, size_t out_size);

void cic_gray_to_rgb(uint8_t *out, const uint8_t *gray, size_t count);
void cic_inverted_cmyk_to_rgb(uint8_t *out, const uint8_t *cmyk, size_t count);
#endif
