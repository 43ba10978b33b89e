import Engine
import Foundation

/// A generated, learnable dataset for tests and smoke runs: a pure function of its parameters.
///
/// Image `i` of a split has class `i % classCount`. Class `k` is a sinusoidal grating with orientation
/// `π · k / classCount` and `2 + k % 3` periods across the image, with a random phase per image, the same on every
/// channel, plus Gaussian noise of standard deviation `noise × 128` grey levels, clamped to 0–255:
/// `pixel = 128 + 96 · cos(2π · periods · (x cos θ + y sin θ) / width + phase) + noise · 128 · N(0, 1)`.
/// The training split draws from stream 0 of a `RandomGenerator` seeded with `seed`, the test split from stream 1.
public struct SyntheticDataset: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Number of training images.
    public var trainCount: Int
    /// Number of test images.
    public var testCount: Int
    /// Image height in pixels.
    public var height: Int
    /// Image width in pixels.
    public var width: Int
    /// Channels per pixel.
    public var channels: Int
    /// Number of classes, 1...256.
    public var classCount: Int
    /// Noise standard deviation as a fraction of half the grey range (0 = clean gratings).
    public var noise: Double
    /// Seed of the generator.
    public var seed: UInt64

    /// The defaults are a small Fashion-MNIST look-alike: 6,000 + 1,000 images of 28×28×1 in 10 classes.
    public init(trainCount: Int = 6_000, testCount: Int = 1_000, height: Int = 28, width: Int = 28,
                channels: Int = 1, classCount: Int = 10, noise: Double = 0.5, seed: UInt64 = 0) {
        self.trainCount = trainCount
        self.testCount = testCount
        self.height = height
        self.width = width
        self.channels = channels
        self.classCount = classCount
        self.noise = noise
        self.seed = seed
    }

    /// For example `synthetic(6000+1000 28x28x1 10 classes noise=0.5 seed=0)`.
    public var description: String {
        "synthetic(\(trainCount)+\(testCount) \(height)x\(width)x\(channels) \(classCount) classes "
            + "noise=\(noise) seed=\(seed))"
    }

    /// Generates the training and test splits. Throws `invalidConfiguration` for a negative count, a
    /// non-positive image dimension, a class count outside 1...256 or a negative noise level.
    public func generate() throws -> (train: ImageSet, test: ImageSet) {
        guard trainCount >= 0, testCount >= 0, height > 0, width > 0, channels > 0,
              (1...256).contains(classCount), noise >= 0 else {
            throw DatasetError.invalidConfiguration("Invalid synthetic dataset parameters: \(self).")
        }
        return (makeSplit(count: trainCount, stream: 0), makeSplit(count: testCount, stream: 1))
    }

    private func makeSplit(count: Int, stream: UInt64) -> ImageSet {
        var generator = RandomGenerator(seed: seed, stream: stream)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(count * height * width * channels)
        let labels = (0..<count).map { UInt8($0 % classCount) }
        for label in labels {
            let k = Double(label)
            let angle = Double.pi * k / Double(classCount)
            let frequency = 2 * Double.pi * (2 + k.truncatingRemainder(dividingBy: 3)) / Double(width)
            let phase = 2 * Double.pi * Double(generator.nextUniform())
            for y in 0..<height {
                for x in 0..<width {
                    let grating = cos(frequency * (Double(x) * cos(angle) + Double(y) * sin(angle)) + phase)
                    for _ in 0..<channels {
                        let value = 128 + 96 * grating + noise * 128 * generator.nextNormal()
                        pixels.append(UInt8(min(max(value.rounded(), 0), 255)))
                    }
                }
            }
        }
        return ImageSet(height: height, width: width, channels: channels, classCount: classCount,
                        pixels: pixels, labels: labels)
    }
}
