// PNG decoding with libpng, errors returned instead of a longjmp into nowhere. Read top to bottom.
//
// libpng reports a fatal error through the error function given to png_create_read_struct, which must not
// return; here it copies the message and longjmps back to cic_decode_png, which frees everything and returns -1.
#include "cimagecodecs.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

typedef struct {
    jmp_buf escape;
    char *message;
} error_handler;

static void fail(png_structp png, png_const_charp text) {
    error_handler *handler = png_get_error_ptr(png);
    snprintf(handler->message, CIC_MESSAGE_CAPACITY, "%s", text);
    longjmp(handler->escape, 1);
}

// Warnings are problems libpng works around (a bad CRC in an ancillary chunk, an odd colour profile): ignored.
static void ignore_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

typedef struct {
    const unsigned char *data;
    size_t size, offset;
} memory_reader;

static void read_from_memory(png_structp png, png_bytep out, png_size_t count) {
    memory_reader *reader = png_get_io_ptr(png);
    if (count > reader->size - reader->offset) png_error(png, "premature end of PNG file");
    memcpy(out, reader->data + reader->offset, count);
    reader->offset += count;
}

int cic_decode_png(const unsigned char *data, size_t size, cic_rgb_image *image, char *message) {
    error_handler handler = {.message = message};
    memory_reader reader = {data, size, 0};
    png_structp png = NULL;
    png_infop info = NULL;
    // Assigned after setjmp and freed after longjmp, hence volatile.
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile samples = NULL;
    png_bytep *volatile rows = NULL;

    image->pixels = NULL;
    image->width = image->height = 0;
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &handler, fail, ignore_warning);
    if (png) info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(message, CIC_MESSAGE_CAPACITY, "out of memory");
        return -1;
    }
    if (setjmp(handler.escape)) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(samples);
        free(rows);
        return -1;
    }
    png_set_read_fn(png, &reader, read_from_memory);
    png_read_info(png, info);

    // Transforms to 8-bit samples; what is left is 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA) channels
    // (expanding a palette turns its tRNS chunk into an alpha channel).
    int color_type = png_get_color_type(png, info), bit_depth = png_get_bit_depth(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (bit_depth == 16) png_set_strip_16(png); // keeps the high byte, as Pillow does for 16-bit RGB and RGBA
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    size_t channels = png_get_channels(png, info), row_bytes = png_get_rowbytes(png, info);
    pixels = malloc(width * height * 3);
    samples = malloc(row_bytes * height);
    rows = malloc(height * sizeof(png_bytep));
    if (!pixels || !samples || !rows) png_error(png, "out of memory");
    for (size_t y = 0; y < height; y++) rows[y] = samples + y * row_bytes;
    png_read_image(png, rows);

    // To RGB: gray is replicated, alpha is dropped.
    for (size_t y = 0; y < height; y++) {
        const unsigned char *in = rows[y];
        unsigned char *out = pixels + y * width * 3;
        for (size_t x = 0; x < width; x++) {
            const unsigned char *p = in + x * channels;
            if (channels >= 3) {
                out[3 * x] = p[0], out[3 * x + 1] = p[1], out[3 * x + 2] = p[2];
            } else {
                out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = p[0];
            }
        }
    }
    png_destroy_read_struct(&png, &info, NULL);
    free(samples);
    free(rows);

    image->pixels = pixels;
    image->width = (long)width;
    image->height = (long)height;
    return 0;
}
