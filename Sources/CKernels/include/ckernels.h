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

/// The instruction sets the elementwise kernels (BatchNorm, the residual merge, the average pool, the optimizers)
/// are compiled for, narrowest first. Every variant gives the same bits (no contraction to FMA, lane by lane what a
/// scalar loop computes).
enum { CK_VECTORS_BASELINE = 0, CK_VECTORS_AVX2 = 1, CK_VECTORS_AVX512 = 2 };

/// The variant the elementwise kernels run: the widest the processor has, at most the cap of `ck_cap_vectors`.
int ck_vectors(void);

/// Caps the elementwise kernels' variant at `widest` (a `CK_VECTORS_*`), process-wide; tests compare the variants.
void ck_cap_vectors(int widest);

/// The pixels [start, end) of one chunk of a per-channel kernel over NHWC tensors (pixel p of a tensor with pixel
/// stride s at base + p·s), visited in groups of `group` pixels, `group · channels` consecutive floats when every
/// tensor of the kernel is contiguous (else `group` is 1), and the pixels left after the last whole group one at a
/// time. Per-channel values (`ck_batch_norm_tiles`) and accumulators are tiled across a group: float j of a group
/// belongs to channel j mod channels.
typedef struct {
    long start, end, group, channels;
} ck_pixels;

/// BatchNorm's per-channel values, each tiled across a group (`group · channels` floats): the batch mean μ and 1/σ,
/// the forward map y = scale·x + shift (scale = γ/σ), and the two means of backward's input gradient.
typedef struct {
    const float *mean, *inv_std, *scale, *shift, *g_mean, *g_xhat_mean;
} ck_batch_norm_tiles;

/// Adds Σ (x − k) and Σ (x − k)² over the pixels of `r` into `sum` and `square_sum` (tiled; `k` tiled).
void ck_batch_norm_sums(ck_pixels r, const float *x, long x_stride, const float *k, float *sum, float *square_sum);

/// y = max(x · scale + shift, floor) (floor 0 for a fused ReLU, −∞ without).
void ck_batch_norm_normalise(ck_pixels r, const float *x, long x_stride, float *y, long y_stride,
                             const ck_batch_norm_tiles *t, float floor);

/// Adds Σ g and Σ g · (x − mean) into `sum` and `product_sum` (tiled), where g is dy, zeroed where `relu` and
/// forward's x · scale + shift ≤ 0.
void ck_batch_norm_gradient_sums(ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride,
                                 const ck_batch_norm_tiles *t, int relu, float *sum, float *product_sum);

/// dx = scale · (g − g_mean − (x − mean) · inv_std · g_xhat_mean), g as in `ck_batch_norm_gradient_sums`; added
/// to dx when `accumulate` is non-zero.
void ck_batch_norm_input_gradient(ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride,
                                  float *dx, long dx_stride, const ck_batch_norm_tiles *t, int relu, int accumulate);

/// The residual merge y = max(x + scale · r, floor) over the pixels of `p` (floor 0 for a fused ReLU, −∞
/// without); `y` may be `x`.
void ck_residual_merge(ck_pixels p, const float *x, long x_stride, const float *r, long r_stride, float *y,
                       long y_stride, float scale, float floor);

/// The merge's gradient over the pixels of `p`: g = dy, zeroed where `relu` and the merge's output y ≤ 0; dx = g
/// (added to dx when `accumulate` is non-zero; skipped when dx is null) and dr = scale · g.
void ck_residual_split(ck_pixels p, const float *dy, long dy_stride, const float *y, long y_stride, int relu,
                       float scale, float *dx, long dx_stride, int accumulate, float *dr, long dr_stride);

/// Images of `height × width` pixels of `channels` floats (NHWC; pixel p of a tensor with pixel stride s at
/// base + p·s), pooled with a `size × size` window (odd), stride 1, SAME padding excluded from the mean.
typedef struct {
    long height, width, channels, size;
} ck_pool_geometry;

/// y = the mean of the input pixels each output's window covers, for image `image` of the batch.
void ck_average_pool(const ck_pool_geometry *g, long image, const float *x, long x_stride, float *y, long y_stride);

/// dx = (or += when `accumulate` is non-zero) the average pool's gradient for image `image`: each output's dy
/// spread evenly over the input pixels its window covers.
void ck_average_pool_gradient(const ck_pool_geometry *g, long image, const float *dy, long dy_stride, float *dx,
                              long dx_stride, int accumulate);

/// One RMSProp update of `count` weights `w` from their gradient `g`, TensorFlow's form: ms = ρ·ms + (1 − ρ)·g²,
/// mom = μ·mom + lr·g / √(ms + ε), w −= mom.
void ck_rmsprop_update(long count, float *w, const float *g, float *ms, float *mom, float lr, float rho, float mu,
                       float eps);

/// One momentum-SGD update of `count` weights `w` from their gradient `g`: v = μ·v + g, w −= lr·v.
void ck_momentum_update(long count, float *w, const float *g, float *v, float lr, float mu);

/// L2 weight decay on one parameter's gradient: g += rate · w over `count` floats.
void ck_weight_decay(long count, float *g, const float *w, float rate);

/// *result = Σ g² over `count` floats, summed as 16 running sums (g[16k + l] into sum l) then added in order.
void ck_sum_of_squares(long count, const float *g, float *result);

#endif
