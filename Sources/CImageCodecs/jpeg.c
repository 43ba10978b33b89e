// JPEG decoding with libjpeg(-turbo), errors returned instead of exit(). Read top to bottom.
//
// libjpeg reports a fatal error through error_exit, which by default prints and calls exit(); here it formats the
// message and longjmps back to cic_decode_jpeg, which frees everything and returns -1.
#include "cimagecodecs.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr pub; // first, so that libjpeg's cinfo->err points at the whole struct
    jmp_buf escape;
    char *message;
} error_handler;

static void fail(j_common_ptr cinfo) {
    error_handler *handler = (error_handler *)cinfo->err;
    cinfo->err->format_message(cinfo, handler->message);
    longjmp(handler->escape, 1);
}

// Warnings (level -1) are data that libjpeg recovers from, and trace messages (level ≥ 0) are chatter; both are
// ignored, as Pillow ignores them, except running out of data: libjpeg then pads the image with grey and warns,
// where Pillow refuses the file as truncated. That warning is turned into an error.
static void on_message(j_common_ptr cinfo, int level) {
    if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) fail(cinfo);
}

static void fail_with(j_common_ptr cinfo, const char *text) {
    error_handler *handler = (error_handler *)cinfo->err;
    snprintf(handler->message, CIC_MESSAGE_CAPACITY, "%s", text);
    longjmp(handler->escape, 1);
}

// One row of libjpeg's CMYK output to RGB as Pillow does it: Pillow assumes Adobe's polarity (stored values are
// 255 − ink, libjpeg passes them through untouched), inverts them back to ink, then cmyk2rgb gives
// channel = (255 − k) − (ink · (255 − k)) / 255, with Pillow's rounded division by 255.
static void inverted_cmyk_to_rgb(const unsigned char *cmyk, unsigned char *rgb, size_t width) {
    for (size_t x = 0; x < width; x++) {
        int not_k = cmyk[4 * x + 3]; // 255 − ink k, the stored value
        for (int c = 0; c < 3; c++) {
            int ink = 255 - cmyk[4 * x + c];
            int product = ink * not_k + 128;
            int v = not_k - (((product >> 8) + product) >> 8);
            rgb[3 * x + c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
}

static void gray_to_rgb(const unsigned char *gray, unsigned char *rgb, size_t width) {
    for (size_t x = 0; x < width; x++) rgb[3 * x] = rgb[3 * x + 1] = rgb[3 * x + 2] = gray[x];
}

int cic_decode_jpeg(const unsigned char *data, size_t size, cic_rgb_image *image, char *message) {
    struct jpeg_decompress_struct cinfo;
    error_handler handler;
    // Assigned after setjmp and freed after longjmp, hence volatile.
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile row = NULL;

    image->pixels = NULL;
    image->width = image->height = 0;
    cinfo.err = jpeg_std_error(&handler.pub);
    handler.pub.error_exit = fail;
    handler.pub.emit_message = on_message;
    handler.message = message;
    if (setjmp(handler.escape)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    // Like Pillow, the number of components decides: 1 is grayscale, 3 is converted to RGB (from YCbCr unless the
    // file says RGB), 4 is CMYK (YCCK files are converted to CMYK by libjpeg).
    switch (cinfo.num_components) {
    case 1: cinfo.out_color_space = JCS_GRAYSCALE; break;
    case 3: cinfo.out_color_space = JCS_RGB; break;
    case 4: cinfo.out_color_space = JCS_CMYK; break;
    default: {
        char text[64];
        snprintf(text, sizeof text, "unsupported JPEG with %d components", cinfo.num_components);
        fail_with((j_common_ptr)&cinfo, text);
    }
    }
    jpeg_start_decompress(&cinfo);

    size_t width = cinfo.output_width, height = cinfo.output_height, components = cinfo.output_components;
    pixels = malloc(width * height * 3);
    row = malloc(width * components);
    if (!pixels || !row) fail_with((j_common_ptr)&cinfo, "out of memory");
    while (cinfo.output_scanline < height) {
        unsigned char *out = pixels + (size_t)cinfo.output_scanline * width * 3;
        JSAMPROW target = components == 3 ? out : row;
        jpeg_read_scanlines(&cinfo, &target, 1);
        if (components == 1) gray_to_rgb(row, out, width);
        if (components == 4) inverted_cmyk_to_rgb(row, out, width);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);

    image->pixels = pixels;
    image->width = (long)width;
    image->height = (long)height;
    return 0;
}
