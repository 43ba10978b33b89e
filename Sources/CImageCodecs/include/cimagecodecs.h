#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H

#include <stddef.h>

/// Decoded pixels: 8-bit RGB, row-major, height × width × 3 bytes (R, G, B for each pixel). `pixels` is allocated
/// with malloc and belongs to the caller, who releases it with free.
typedef struct {
    unsigned char *pixels;
    long width, height;
} cic_rgb_image;

/// Room for an error message, terminating NUL included (libjpeg's own messages are at most 200 bytes).
#define CIC_MESSAGE_CAPACITY 256

/// Decodes the JPEG file held in `data[0..<size]` with libjpeg's defaults (ISLOW DCT, fancy upsampling).
/// Grayscale is replicated into R, G and B; CMYK and YCCK are read with Adobe's inverted polarity and converted
/// as Pillow converts them. Returns 0 and fills `image`, or returns -1 with image->pixels NULL and a one-line
/// reason in `message` (a truncated file is an error; other data that libjpeg recovers from is accepted).
int cic_decode_jpeg(const unsigned char *data, size_t size, cic_rgb_image *image, char *message);

/// Decodes the PNG file held in `data[0..<size]`: palette, grayscale and 1-, 2- and 4-bit samples are expanded to
/// 8-bit RGB, 16-bit samples keep their high byte, and alpha (an alpha channel or a tRNS chunk) is dropped, not
/// composited. Gamma and colour-profile chunks are ignored. Returns 0 and fills `image`, or returns -1 with
/// image->pixels NULL and a one-line reason in `message`.
int cic_decode_png(const unsigned char *data, size_t size, cic_rgb_image *image, char *message);

#endif
