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

    // Pillow leaves dct_method (JDCT_ISLOW) and do_fancy_upsampling (TRUE) at
    // libjpeg's defaults and only picks the output colour space.
    int components = info.num_components;
    if (components == 1) {
        info.out_color_space = JCS_GRAYSCALE;
        strcpy(image->mode, "L");
    } else if (components == 3) {
        info.out_color_space = JCS_RGB;
        strcpy(image->mode, "RGB");
    } else if (components == 4) {
        info.out_color_space = JCS_CMYK;
        strcpy(image->mode, "CMYK");
    } else {
        cic_set_message(image, "JPEG with %d colour components is not supported", components);
        jpeg_destroy_decompress(&info);
        return CIC_ERROR_UNSUPPORTED;
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
