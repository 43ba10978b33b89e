import Engine

/// The grid-reduction blocks (35 → 17 and 17 → 8 at 299), shared across the family with their widths as
/// parameters. Every stride-2 operation is VALID.
enum Reductions {
    /// Reduction-A (paper Fig. 7) with filter counts (k, l, m, n):
    /// `C(n,3,s2,V) ‖ [C(k,1) → C(l,3) → C(m,3,s2,V)] ‖ MP`.
    /// v4 (192, 224, 256, 384), IR-v1 (192, 192, 256, 384), IR-v2 (256, 256, 384, 384); Inception-v3's
    /// 35 → 17 reduction is the same block with (64, 96, 96, 384).
    static func a(_ b: Builder, k: Int, l: Int, m: Int, n: Int) -> Recipe {
        b.concat(
            b.unit(n, (3, 3), stride: 2, padding: .valid),
            b.seq(b.unit(k), b.unit(l, (3, 3)), b.unit(m, (3, 3), stride: 2, padding: .valid)),
            b.maxPool)
    }

    /// The factorised 17 → 8 reduction of Inception-v4 (paper Fig. 8) and Inception-v3:
    /// `[C(p,1) → C(q,3,s2,V)] ‖ [C(r,1) → C(s,1×7) → C(t,7×1) → C(u,3,s2,V)] ‖ MP`.
    /// v4: (192, 192, 256, 256, 320, 320); v3: (192, 320, 192, 192, 192, 192).
    static func factorizedB(_ b: Builder, _ p: Int, _ q: Int, _ r: Int, _ s: Int, _ t: Int, _ u: Int) -> Recipe {
        b.concat(
            b.seq(b.unit(p), b.unit(q, (3, 3), stride: 2, padding: .valid)),
            b.seq(b.unit(r), b.unit(s, (1, 7)), b.unit(t, (7, 1)), b.unit(u, (3, 3), stride: 2, padding: .valid)),
            b.maxPool)
    }

    /// The 17 → 8 reduction of the Inception-ResNets (paper Figs. 12 and 18):
    /// `[C(256,1) → C(384,3,s2,V)] ‖ [C(256,1) → C(p,3,s2,V)] ‖ [C(256,1) → C(q,3) → C(r,3,s2,V)] ‖ MP`.
    /// IR-v1: (256, 256, 256); IR-v2: (288, 288, 320).
    static func residualB(_ b: Builder, p: Int, q: Int, r: Int) -> Recipe {
        b.concat(
            b.seq(b.unit(256), b.unit(384, (3, 3), stride: 2, padding: .valid)),
            b.seq(b.unit(256), b.unit(p, (3, 3), stride: 2, padding: .valid)),
            b.seq(b.unit(256), b.unit(q, (3, 3)), b.unit(r, (3, 3), stride: 2, padding: .valid)),
            b.maxPool)
    }
}
