// PNG decoding and encoding through libpng.
#include "codecs_internal.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    cic_image *image;
    int truncated;
    uint8_t *raw;
    png_bytep *rows;
} png_glue;

static void png_glue_error(png_structp png, png_const_charp text) {
    png_glue *glue = png_get_error_ptr(png);
    cic_set_message(glue->image, "%s", text);
    png_longjmp(png, 1);
}

static void png_glue_warning(png_structp png, png_const_charp text) {
    png_glue *glue = png_get_error_ptr(png);
    cic_add_warning(glue->image, text);
}

static void png_glue_read(png_structp png, png_bytep out, size_t length) {
    png_glue *glue = png_get_io_ptr(png);
    if (length > glue->size - glue->offset) {
        glue->truncated = 1;
        png_error(png, "the data ends before the image does");
    }
    memcpy(out, glue->data + glue->offset, length);
    glue->offset += length;
}

// Pillow's mode for a PNG colour type and bit depth (PngImagePlugin._MODES).
static const char *pillow_mode(int color_type, int bit_depth) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
        return bit_depth == 1 ? "1" : (bit_depth == 16 ? "I;16" : "L");
    case PNG_COLOR_TYPE_PALETTE:
        return "P";
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        return bit_depth == 16 ? "RGBA" : "LA";
    case PNG_COLOR_TYPE_RGB:
        return "RGB";
    default:
        return "RGBA";
    }
}

// Converts rows that libpng has reduced to 8 bits and one byte per sample
// (png_set_strip_16 keeps the high byte, png_set_packing unpacks 1, 2 and
// 4-bit samples without scaling them).
static void convert_rows(png_structp png, png_infop info, png_glue *glue, int color_type, int bit_depth,
                         uint8_t *pixels) {
    cic_image *image = glue->image;
    size_t width = (size_t)image->width;
    png_colorp palette = NULL;
    int palette_size = 0;
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_get_PLTE(png, info, &palette, &palette_size);
    }
    // Pillow scales gray of depth b by 255 / (2^b - 1): "1" gives 0 or 255,
    // "L;2" multiplies by 85 and "L;4" by 17.
    int gray_scale = bit_depth == 1 ? 255 : (bit_depth == 2 ? 85 : (bit_depth == 4 ? 17 : 1));

    for (size_t y = 0; y < (size_t)image->height; y++) {
        const uint8_t *in = glue->rows[y];
        uint8_t *out = pixels + y * width * 3;
        for (size_t x = 0; x < width; x++) {
            switch (color_type) {
            case PNG_COLOR_TYPE_GRAY: {
                uint8_t value = (uint8_t)(in[x] * gray_scale);
                out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = value;
                break;
            }
            case PNG_COLOR_TYPE_GRAY_ALPHA:
                out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = in[2 * x];
                break;
            case PNG_COLOR_TYPE_PALETTE: {
                // NOTE: an index past the end of PLTE gives black; Pillow's
                // result for such files was not checked.
                int index = in[x];
                if (index < palette_size) {
                    out[3 * x] = palette[index].red;
                    out[3 * x + 1] = palette[index].green;
                    out[3 * x + 2] = palette[index].blue;
                } else {
                    out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = 0;
                }
                break;
            }
            case PNG_COLOR_TYPE_RGB:
                memcpy(out + 3 * x, in + 3 * x, 3);
                break;
            default:
                memcpy(out + 3 * x, in + 4 * x, 3);
                break;
            }
        }
    }
}

cic_status cic_decode_png(const uint8_t *data, size_t size, uint64_t max_pixels, uint8_t *out, size_t out_size,
                          cic_image *image) {
    png_glue glue;
    memset(&glue, 0, sizeof glue);
    glue.data = data;
    glue.size = size;
    glue.image = image;

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &glue, png_glue_error, png_glue_warning);
    if (!png) {
        return CIC_ERROR_OUT_OF_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return CIC_ERROR_OUT_OF_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(glue.rows);
        free(glue.raw);
        png_destroy_read_struct(&png, &info, NULL);
        return glue.truncated ? CIC_ERROR_TRUNCATED : CIC_ERROR_INVALID;
    }

    png_set_read_fn(png, &glue, png_glue_read);
    png_read_info(png, info);
    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
    cic_status status = cic_check_size(image, width, height, max_pixels);
    if (status != CIC_OK) {
        png_destroy_read_struct(&png, &info, NULL);
        return status;
    }
    snprintf(image->mode, sizeof image->mode, "%s", pillow_mode(color_type, bit_depth));
    if (!out || !cic_output_fits(image, out_size)) {
        png_destroy_read_struct(&png, &info, NULL);
        if (!out) {
            return CIC_OK;  // header only
        }
        cic_set_message(image, "the output buffer does not hold %d x %d RGB pixels", image->width, image->height);
        return CIC_ERROR_INVALID;
    }

    // No gamma, sBIT or tRNS transforms: Pillow applies none of them.
    if (bit_depth == 16) {
        png_set_strip_16(png);
    }
    if (bit_depth < 8) {
        png_set_packing(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t row_bytes = png_get_rowbytes(png, info);
    glue.raw = malloc(row_bytes * (size_t)height);
    glue.rows = malloc(sizeof(png_bytep) * (size_t)height);
    if (!glue.raw || !glue.rows) {
        free(glue.rows);
        free(glue.raw);
        png_destroy_read_struct(&png, &info, NULL);
        return CIC_ERROR_OUT_OF_MEMORY;
    }
    for (size_t y = 0; y < height; y++) {
        glue.rows[y] = glue.raw + y * row_bytes;
    }
    // Reads up to the last row of image data. The chunks after it, IEND
    // included, are not needed for the pixels, so a file that lacks them
    // still decodes.
    png_read_image(png, glue.rows);

    convert_rows(png, info, &glue, color_type, bit_depth, out);
    free(glue.rows);
    free(glue.raw);
    png_destroy_read_struct(&png, &info, NULL);
    return CIC_OK;
}

// MARK: - Writing

typedef struct {
    char *message;
} png_write_glue;

static void png_write_error(png_structp png, png_const_charp text) {
    png_write_glue *glue = png_get_error_ptr(png);
    snprintf(glue->message, 256, "%s", text);
    png_longjmp(png, 1);
}

static void png_write_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

cic_status cic_write_png_rgb(const char *path, const uint8_t *rgb, int32_t width, int32_t height, char *message) {
    png_write_glue glue = {message};
    FILE *volatile file = fopen(path, "wb");
    if (!file) {
        snprintf(message, 256, "cannot open for writing");
        return CIC_ERROR_INVALID;
    }

    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &glue, png_write_error, png_write_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, NULL);
        fclose(file);
        snprintf(message, 256, "out of memory");
        return CIC_ERROR_OUT_OF_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(file);
        return CIC_ERROR_INVALID;
    }

    png_init_io(png, file);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);

    for (int32_t y = 0; y < height; y++) {
        png_write_row(png, rgb + (size_t)y * (size_t)width * 3);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);

    if (fclose(file) != 0) {
        snprintf(message, 256, "write failed (disk full?)");
        return CIC_ERROR_INVALID;
    }
    return CIC_OK;
}
