#ifndef CKERNELS_H
#define CKERNELS_H

/// A convolution over NHWC tensors whose pixels may be strided: element (n, y, x, c) of a tensor with pixel
/// stride s is at base[((n·H + y)·W + x)·s + c]. The kernel is HWIO: w[((ky·kw + kx)·cin + ci)·cout + co].
typedef struct {
    long batch, in_height, in_width, in_channels, in_stride;
    long out_height, out_width, out_channels, out_stride;
    long kernel_height, kernel_width, stride, pad_top, pad_left;
} ck_conv_geometry;

/// y = conv(x, w), or y += conv(x, w) when `accumulate` is non-zero.
void ck_conv_small_forward(const ck_conv_geometry *g, const float *x, const float *w, float *y, int accumulate);

/// dw = Σ over the batch's pixels of x[tap] ⊗ dy[pixel], overwritten. `partial` is scratch of kh·kw·cin·cout
/// floats: one image's sum, added to dw image by image.
void ck_conv_small_weight_gradient(const ck_conv_geometry *g, const float *x, const float *dy, float *partial,
                                   float *dw);

#endif
