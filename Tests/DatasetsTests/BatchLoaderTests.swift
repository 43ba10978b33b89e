import Datasets
import Foundation
import Testing

@Suite struct BatchLoaderTests {
    /// 10 2×2 RGB images; every byte of image i is i, label i % 3.
    let numbered = ImageSet(height: 2, width: 2, channels: 3, classCount: 3,
                            pixels: (0..<10).flatMap { [UInt8](repeating: UInt8($0), count: 12) },
                            labels: (0..<10).map { UInt8($0 % 3) })

    /// The next `count` batches: (images, labels) of each, trimmed to the images filled.
    func batches(_ loader: inout BatchLoader, count: Int) -> [([Float], [Int32])] {
        var images = [Float](repeating: .nan, count: loader.batchSize * loader.floatsPerImage)
        var labels = [Int32](repeating: -1, count: loader.batchSize)
        return (0..<count).map { _ in
            let n = images.withUnsafeMutableBufferPointer { images in
                labels.withUnsafeMutableBufferPointer { labels in loader.nextBatch(images: images, labels: labels) }
            }
            return (Array(images[..<(n * loader.floatsPerImage)]), Array(labels[..<n]))
        }
    }

    @Test func epochOrderIsSeededPermutation() {
        let order = BatchLoader.epochOrder(count: 1000, seed: 7, epoch: 3)
        #expect(order == BatchLoader.epochOrder(count: 1000, seed: 7, epoch: 3))
        #expect(order.sorted() == Array(0..<1000))
        #expect(order != Array(0..<1000))
        #expect(order != BatchLoader.epochOrder(count: 1000, seed: 7, epoch: 4))
        #expect(order != BatchLoader.epochOrder(count: 1000, seed: 8, epoch: 3))
    }

    @Test func trainingDropsThePartialBatchAndFollowsTheEpochOrder() {
        var loader = BatchLoader(imageSet: numbered, preprocessing: Preprocessing(normalization: .symmetricRange),
                                 batchSize: 4, mode: .training, seed: 1)
        #expect(loader.batchesPerEpoch == 2 && (loader.height, loader.width, loader.channels) == (2, 2, 3))
        let epoch0 = batches(&loader, count: 2)
        #expect(loader.position == BatchPosition(epoch: 1, batch: 0))
        let order = BatchLoader.epochOrder(count: 10, seed: 1, epoch: 0)
        let visited = epoch0.flatMap { images, _ in
            stride(from: 0, to: images.count, by: 12).map { Int(((images[$0] + 1) * 127.5).rounded()) }
        }
        #expect(visited == Array(order[..<8]))
        #expect(epoch0.flatMap(\.1) == visited.map { Int32($0 % 3) })
    }

    @Test func evaluationCoversEveryImageInOrder() {
        var loader = BatchLoader(imageSet: numbered, preprocessing: Preprocessing(pad: 1, cropPadding: 2,
                                                                                  horizontalFlip: true),
                                 batchSize: 4, mode: .evaluation)
        #expect(loader.batchesPerEpoch == 3 && loader.floatsPerImage == 4 * 4 * 3)
        let epoch = batches(&loader, count: 3)
        #expect(epoch.map(\.1.count) == [4, 4, 2])
        #expect(epoch.flatMap(\.1) == (0..<10).map { Int32($0 % 3) })
        #expect(loader.position == BatchPosition(epoch: 1, batch: 0))
        // No augmentation: image i is its value framed by a zero border.
        let images = epoch.flatMap(\.0)
        for i in 0..<10 {
            let image = Array(images[i * 48..<(i + 1) * 48])
            let inner = [5, 6, 9, 10].flatMap { p in (0..<3).map { p * 3 + $0 } }
            #expect(inner.allSatisfy { image[$0] == Float(i) / 255 })
            #expect((0..<48).filter { !inner.contains($0) }.allSatisfy { image[$0] == 0 })
        }
        #expect(batches(&loader, count: 3).map(\.1) == epoch.map(\.1))
    }

    @Test func augmentationUsesEveryCropAndFlip() {
        // One 1×2 image [10, 20]; with crop padding 1 and flips every output is one of a few known rows.
        let pair = ImageSet(height: 1, width: 2, channels: 1, classCount: 1, pixels: [10, 20], labels: [0])
        var loader = BatchLoader(imageSet: pair, preprocessing: Preprocessing(cropPadding: 1, horizontalFlip: true),
                                 batchSize: 1, mode: .training, seed: 9)
        let seen = Set(batches(&loader, count: 400).map { $0.0.map { Int(($0 * 255).rounded()) } })
        // Offset y ≠ 0 gives a blank row; offset x −1, 0, 1, each flipped or not.
        #expect(seen == [[0, 0], [0, 10], [10, 20], [20, 0], [10, 0], [20, 10], [0, 20]])
    }

    @Test func resumingFromASavedPositionRepeatsTheSameBatches() throws {
        let set = try SyntheticDataset(trainCount: 50, testCount: 0, height: 5, width: 5, channels: 3,
                                       classCount: 4, seed: 2).generate().train
        let preprocessing = Preprocessing(pad: 1, normalization: .standardized(over: set), cropPadding: 2,
                                          horizontalFlip: true)
        var uninterrupted = BatchLoader(imageSet: set, preprocessing: preprocessing, batchSize: 8,
                                        mode: .training, seed: 3)
        let expected = batches(&uninterrupted, count: 20)  // 6 batches per epoch: crosses three epoch boundaries

        var first = BatchLoader(imageSet: set, preprocessing: preprocessing, batchSize: 8, mode: .training, seed: 3)
        let before = batches(&first, count: 9)
        let saved = try JSONEncoder().encode(first.position)
        let position = try JSONDecoder().decode(BatchPosition.self, from: saved)
        #expect(position == BatchPosition(epoch: 1, batch: 3))
        var resumed = BatchLoader(imageSet: set, preprocessing: preprocessing, batchSize: 8, mode: .training,
                                  seed: 3, position: position)
        let after = batches(&resumed, count: 11)
        #expect((before + after).map(\.0) == expected.map(\.0))
        #expect((before + after).map(\.1) == expected.map(\.1))
        #expect(expected[0].0 != expected[6].0)  // epochs differ
    }

    /// A generous bound that also reports the time to fill one training batch of 64 padded, augmented images.
    @Test(arguments: [1, 3])
    func fillSpeed(channels: Int) throws {
        let set = try SyntheticDataset(trainCount: 256, testCount: 0, channels: channels).generate().train
        var loader = BatchLoader(imageSet: set, preprocessing: Preprocessing(pad: 2, cropPadding: 4,
                                                                             horizontalFlip: true),
                                 batchSize: 64, mode: .training)
        var images = [Float](repeating: 0, count: 64 * loader.floatsPerImage)
        var labels = [Int32](repeating: 0, count: 64)
        let start = Date()
        images.withUnsafeMutableBufferPointer { images in
            labels.withUnsafeMutableBufferPointer { labels in
                for _ in 0..<200 { _ = loader.nextBatch(images: images, labels: labels) }
            }
        }
        let perBatch = Date().timeIntervalSince(start) / 200
        print("BatchLoader: \(Int(perBatch * 1e6)) µs per training batch of 64×32×32×\(channels)")
        #expect(perBatch < 0.02)
    }
}
