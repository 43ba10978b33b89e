import Foundation

/// A seeded, serialisable pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// Every random choice in InceptionLab (weight initialisation, dropout masks, shuffling, augmentation) draws
/// from a `RandomGenerator` passed explicitly, so the same seed gives bit-identical results. The whole state is
/// four words (`state`), which checkpoints store and restore.
///
/// Value type: copying a generator forks the stream (both copies produce the same numbers).
public struct RandomGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    /// The four state words of xoshiro256**.
    public var state: (UInt64, UInt64, UInt64, UInt64) {
        get { (s0, s1, s2, s3) }
        set { (s0, s1, s2, s3) = newValue }
    }
    private var s0, s1, s2, s3: UInt64

    /// Seeds the generator: the four state words are the first four outputs of SplitMix64 started at `seed`.
    /// `stream` selects an independent stream for the same seed (for example one per layer or per epoch).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var sm = SplitMix64(state: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal sample (Box–Muller on two uniform draws, in Double for accuracy).
    public mutating func nextNormal() -> Double {
        let u1 = (Double(next() >> 11) + 1.0) * (1.0 / 9_007_199_254_740_993.0)  // (0, 1]
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)          // [0, 1)
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea, Flood 2014): used to expand a seed into generator state and to hash
/// (seed, index) pairs into independent per-item seeds.
public struct SplitMix64: Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
