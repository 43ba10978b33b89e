#ifndef CTESTIMAGEWRITERS_H
#define CTESTIMAGEWRITERS_H

/// Encoders that the Imaging tests use to write their own image files. Each returns 0 on success, -1 on failure.

/// Writes a baseline JPEG with libjpeg. `samples` holds height × width × components bytes, row-major; components
/// is 1 (grayscale), 3 (RGB, stored as YCbCr with 4:4:4 sampling) or 4 (CMYK values stored as given, with an
/// Adobe marker; stored as YCCK when `ycck` is non-zero).
int ctw_write_jpeg(const char *path, int width, int height, int components, int ycck, int quality,
                   const unsigned char *samples);

/// Writes a PNG with libpng. `rows` holds the height rows of raw PNG samples for `color_type` and `bit_depth`
/// (packed MSB first below 8 bits, big-endian at 16 bits), each row_bytes long. `palette` (3 bytes an entry) and
/// `palette_alpha` (a tRNS chunk, one byte an entry) are used when their counts are positive.
int ctw_write_png(const char *path, int width, int height, int color_type, int bit_depth, int interlaced,
                  const unsigned char *rows, int row_bytes, const unsigned char *palette, int palette_count,
                  const unsigned char *palette_alpha, int alpha_count);

#endif
