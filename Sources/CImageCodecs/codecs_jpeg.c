// JPEG decoding through libjpeg-turbo with the settings Pillow 13 uses.
#include "codecs_internal.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    cic_image *image;
    /// Set when the entropy decoder ran out of data inside a scan.
    int missing_scan_data;
    /// Set when the file ended before its end-of-image marker.
    int missing_end;
} jpeg_glue;

static void jpeg_glue_error_exit(j_common_ptr info) {
    jpeg_glue *glue = (jpeg_glue *)info->err;
    char text[JMSG_LENGTH_MAX];
    info->err->format_message(info, text);
    cic_set_message(glue->image, "%s", text);
    longjmp(glue->jump, 1);
}

// libjpeg calls this with level -1 for each warning about damaged data, and
// with higher levels for trace messages, which are dropped.
static void jpeg_glue_emit_message(j_common_ptr info, int level) {
    if (level >= 0) {
        return;
    }
    jpeg_glue *glue = (jpeg_glue *)info->err;
    int code = info->err->msg_code;
    if (code == JWRN_HIT_MARKER) {
        glue->missing_scan_data = 1;
    } else if (code == JWRN_JPEG_EOF) {
        glue->missing_end = 1;
    }
    info->err->num_warnings += 1;
    char text[JMSG_LENGTH_MAX];
    info->err->format_message(info, text);
    cic_add_warning(glue->image, text);
}

// Pillow leaves dct_method (JDCT_ISLOW) and do_fancy_upsampling (TRUE) at
// libjpeg's defaults and only picks the output colour space.
static cic_status choose_output_colour_space(struct jpeg_decompress_struct *info, cic_image *image) {
    int components = info->num_components;
    if (components == 1) {
        info->out_color_space = JCS_GRAYSCALE;
        strcpy(image->mode, "L");
    } else if (components == 3) {
        info->out_color_space = JCS_RGB;
        strcpy(image->mode, "RGB");
    } else if (components == 4) {
        info->out_color_space = JCS_CMYK;
        strcpy(image->mode, "CMYK");
    } else {
        cic_set_message(image, "JPEG with %d colour components is not supported", components);
        return CIC_ERROR_UNSUPPORTED;
    }
    return CIC_OK;
}

cic_status cic_decode_jpeg(const uint8_t *data, size_t size, uint64_t max_pixels, uint8_t *out, size_t out_size,
                           cic_image *image) {
    struct jpeg_decompress_struct info;
    jpeg_glue glue;
    memset(&glue, 0, sizeof glue);
    glue.image = image;
    info.err = jpeg_std_error(&glue.manager);
    glue.manager.error_exit = jpeg_glue_error_exit;
    glue.manager.emit_message = jpeg_glue_emit_message;

    // Volatile because it changes between setjmp and a possible longjmp.
    uint8_t *volatile cmyk_row = NULL;
    if (setjmp(glue.jump)) {
        free(cmyk_row);
        jpeg_destroy_decompress(&info);
        return glue.missing_scan_data ? CIC_ERROR_TRUNCATED : CIC_ERROR_INVALID;
    }

    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, (unsigned char *)data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);

    cic_status status = cic_check_size(image, info.image_width, info.image_height, max_pixels);
    if (status != CIC_OK) {
        jpeg_destroy_decompress(&info);
        return status;
    }

    int components = info.num_components;
    status = choose_output_colour_space(&info, image);
    if (status != CIC_OK) {
        jpeg_destroy_decompress(&info);
        return status;
    }

    if (!out || !cic_output_fits(image, out_size)) {
        jpeg_destroy_decompress(&info);
        if (!out) {
            return CIC_OK;  // header only
        }
        cic_set_message(image, "the output buffer does not hold %d x %d RGB pixels", image->width, image->height);
        return CIC_ERROR_INVALID;
    }
    jpeg_start_decompress(&info);

    size_t width = info.output_width;
    if (components == 4) {
        cmyk_row = malloc(width * 4);
        if (!cmyk_row) {
            jpeg_destroy_decompress(&info);
            return CIC_ERROR_OUT_OF_MEMORY;
        }
    }
    while (info.output_scanline < info.output_height) {
        uint8_t *rgb_row = out + (size_t)info.output_scanline * width * 3;
        JSAMPROW row = components == 4 ? cmyk_row : rgb_row;
        jpeg_read_scanlines(&info, &row, 1);
        if (components == 1) {
            cic_gray_to_rgb(rgb_row, rgb_row, width);
        } else if (components == 4) {
            cic_inverted_cmyk_to_rgb(rgb_row, cmyk_row, width);
        }
    }
    jpeg_finish_decompress(&info);
    free(cmyk_row);
    jpeg_destroy_decompress(&info);

    // libjpeg fills a scan that ran out of data with gray and only warns,
    // which means a truncated file. A file that lacks only its end marker has
    // every scan and decodes with a warning.
    // NOTE: a progressive file cut exactly between two scans also passes here
    // with a warning, because the file does not record how many scans follow.
    if (glue.missing_scan_data) {
        cic_set_message(image, "the data ends inside a scan");
        return CIC_ERROR_TRUNCATED;
    }
    return CIC_OK;
}

// MARK: - Row by row

struct cic_jpeg_rows {
    struct jpeg_decompress_struct info;
    jpeg_glue glue;
    /// One decoded row in libjpeg's output colour space (1, 3 or 4 bytes a pixel).
    uint8_t *row;
    /// Set once libjpeg has raised an error: the decoder accepts no more calls.
    int failed;
};

// Each call below runs libjpeg behind its own setjmp. After an error the
// decompress object may be half updated, so the decoder is marked failed.
#define ROWS_GUARD(rows, image)                                                  \
    do {                                                                         \
        if ((rows)->failed) {                                                    \
            cic_set_message((image), "the decoder already failed");              \
            return CIC_ERROR_INVALID;                                            \
        }                                                                        \
        (rows)->glue.image = (image);                                            \
        if (setjmp((rows)->glue.jump)) {                                         \
            (rows)->failed = 1;                                                  \
            return (rows)->glue.missing_scan_data ? CIC_ERROR_TRUNCATED : CIC_ERROR_INVALID; \
        }                                                                        \
    } while (0)

cic_status cic_jpeg_rows_open(const uint8_t *data, size_t size, uint64_t max_pixels, cic_jpeg_rows **result,
                              cic_image *image) {
    *result = NULL;
    cic_jpeg_rows *rows = calloc(1, sizeof *rows);
    if (!rows) {
        return CIC_ERROR_OUT_OF_MEMORY;
    }
    rows->glue.image = image;
    rows->info.err = jpeg_std_error(&rows->glue.manager);
    rows->glue.manager.error_exit = jpeg_glue_error_exit;
    rows->glue.manager.emit_message = jpeg_glue_emit_message;

    cic_status status = CIC_OK;
    if (setjmp(rows->glue.jump)) {
        status = rows->glue.missing_scan_data ? CIC_ERROR_TRUNCATED : CIC_ERROR_INVALID;
    } else {
        jpeg_create_decompress(&rows->info);
        jpeg_mem_src(&rows->info, (unsigned char *)data, (unsigned long)size);
        jpeg_read_header(&rows->info, TRUE);
        status = cic_check_size(image, rows->info.image_width, rows->info.image_height, max_pixels);
        if (status == CIC_OK) {
            status = choose_output_colour_space(&rows->info, image);
        }
    }
    if (status != CIC_OK) {
        cic_jpeg_rows_close(rows);
        return status;
    }
    *result = rows;
    return CIC_OK;
}

cic_status cic_jpeg_rows_start(cic_jpeg_rows *rows, uint32_t *first_column, uint32_t *column_count, cic_image *image) {
    ROWS_GUARD(rows, image);
    struct jpeg_decompress_struct *info = &rows->info;
    if (*column_count == 0 || *first_column >= info->image_width || *column_count > info->image_width - *first_column) {
        cic_set_message(image, "columns %u to %u are outside the image", *first_column, *first_column + *column_count);
        return CIC_ERROR_INVALID;
    }
    jpeg_start_decompress(info);

    JDIMENSION offset = *first_column, width = *column_count;
    if (offset != 0 || width != info->output_width) {
        jpeg_crop_scanline(info, &offset, &width);
    }
    *first_column = offset;
    *column_count = width;

    // One spare byte, because rows are decoded at row + 1 (see cic_jpeg_rows_read).
    rows->row = malloc((size_t)info->output_width * (size_t)info->output_components + 1);
    if (!rows->row) {
        rows->failed = 1;
        return CIC_ERROR_OUT_OF_MEMORY;
    }
    return CIC_OK;
}

cic_status cic_jpeg_rows_read(cic_jpeg_rows *rows, uint8_t *out, cic_image *image) {
    ROWS_GUARD(rows, image);
    struct jpeg_decompress_struct *info = &rows->info;
    if (!rows->row || info->output_scanline >= info->output_height) {
        cic_set_message(image, "no row left to read");
        return CIC_ERROR_INVALID;
    }
    // libjpeg-turbo's SIMD code writes rows that start on a 16-byte boundary
    // with non-temporal stores, which bypass the cache, so reading the row
    // straight after would wait for memory. Row + 1 is never aligned (malloc
    // returns 16-byte aligned blocks), which keeps the row in the cache.
    int components = info->output_components;
    JSAMPROW row = rows->row + 1;
    jpeg_read_scanlines(info, &row, 1);
    if (out && components == 1) {
        cic_gray_to_rgb(out, row, info->output_width);
    } else if (out && components == 3) {
        memcpy(out, row, (size_t)info->output_width * 3);
    } else if (out && components == 4) {
        cic_inverted_cmyk_to_rgb(out, row, info->output_width);
    }
    return CIC_OK;
}

cic_status cic_jpeg_rows_finish(cic_jpeg_rows *rows, cic_image *image) {
    ROWS_GUARD(rows, image);
    struct jpeg_decompress_struct *info = &rows->info;
    if (!rows->row) {
        cic_set_message(image, "decoding has not started");
        return CIC_ERROR_INVALID;
    }
    // NOTE: jpeg_skip_scanlines would be faster, but libjpeg-turbo 2.1.5, which
    // Debian ships, predates a 2026 fix for it returning wrong rows when a skip
    // does not start on a row-group boundary. So the rows are decoded and dropped.
    while (info->output_scanline < info->output_height) {
        JSAMPROW row = rows->row + 1;
        jpeg_read_scanlines(info, &row, 1);
    }
    jpeg_finish_decompress(info);
    if (rows->glue.missing_scan_data) {
        cic_set_message(image, "the data ends inside a scan");
        return CIC_ERROR_TRUNCATED;
    }
    return CIC_OK;
}

void cic_jpeg_rows_close(cic_jpeg_rows *rows) {
    if (!rows) {
        return;
    }
    jpeg_destroy_decompress(&rows->info);
    free(rows->row);
    free(rows);
}
