/* Writes a YCCK JPEG (Adobe transform 2), which Pillow cannot write, for the
 * image fixtures. Reads width x height x 4 bytes of Adobe-inverted CMYK from
 * standard input and writes the JPEG to standard output.
 * Usage: ycck_jpeg WIDTH HEIGHT QUALITY < cmyk.raw > out.jpg */
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: ycck_jpeg WIDTH HEIGHT QUALITY < cmyk.raw > out.jpg\n");
        return 2;
    }
    int width = atoi(argv[1]), height = atoi(argv[2]), quality = atoi(argv[3]);
    size_t row_bytes = (size_t)width * 4;
    unsigned char *pixels = malloc(row_bytes * (size_t)height);
    if (!pixels || fread(pixels, row_bytes, (size_t)height, stdin) != (size_t)height) {
        fprintf(stderr, "ycck_jpeg: expected %zu bytes of CMYK on standard input\n", row_bytes * (size_t)height);
        return 1;
    }

    struct jpeg_compress_struct info;
    struct jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, stdout);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = 4;
    info.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&info);
    jpeg_set_colorspace(&info, JCS_YCCK);  /* also writes the Adobe marker */
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = pixels + info.next_scanline * row_bytes;
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    free(pixels);
    return 0;
}
