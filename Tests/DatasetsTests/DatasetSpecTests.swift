import Datasets
import Foundation
import Testing

@Suite struct DatasetSpecTests {
    @Test func parsesNames() throws {
        #expect(try DatasetSpec(name: "fashion-mnist") == .fashionMNIST())
        #expect(try DatasetSpec(name: "fashion-mnist", directory: "/d") == .fashionMNIST(directory: "/d"))
        #expect(try DatasetSpec(name: "mnist", directory: "/m") == .mnist(directory: "/m"))
        #expect(try DatasetSpec(name: "cifar10", directory: "/c") == .cifar10(directory: "/c"))
        #expect(try DatasetSpec(name: "synthetic") == .synthetic(SyntheticDataset()))
        #expect(throws: DatasetError.directoryRequired(dataset: "mnist")) { try DatasetSpec(name: "mnist") }
        #expect(throws: DatasetError.directoryRequired(dataset: "cifar10")) { try DatasetSpec(name: "cifar10") }
        #expect(throws: DatasetError.unknownDataset(name: "imagenet")) { try DatasetSpec(name: "imagenet") }
        #expect(DatasetError.directoryRequired(dataset: "mnist").description.contains("--data-dir"))
        for name in DatasetSpec.names {
            #expect(try DatasetSpec(name: name, directory: "/x").name == name)
        }
    }

    @Test func roundTripsThroughJSON() throws {
        for spec in [DatasetSpec.fashionMNIST(), .cifar10(directory: "/c"), .synthetic(SyntheticDataset(seed: 3))] {
            let decoded = try JSONDecoder().decode(DatasetSpec.self, from: JSONEncoder().encode(spec))
            #expect(decoded == spec)
        }
        #expect(DatasetSpec.fashionMNIST().description == "fashion-mnist(/usr/share/datasets/fashion-mnist)")
    }

    @Test func missingDirectoryNamesTheDebianPackage() throws {
        let error = #expect(throws: DatasetError.self) {
            try DatasetSpec.fashionMNIST(directory: "/nonexistent").load()
        }
        let message = try #require(error).description
        #expect(message.contains("apt-get install dataset-fashion-mnist"))
        #expect(message.contains("/nonexistent"))
    }

    @Test func missingFilesAreListed() throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        try dir.write(idxLabels(sampleIDXLabels), to: "train-labels-idx1-ubyte.gz", gzip: true)
        let error = #expect(throws: DatasetError.self) { try DatasetSpec.mnist(directory: dir.path).load() }
        guard case let .missingFiles(dataset, directory, files, _) = try #require(error) else {
            Issue.record("expected missingFiles, got \(String(describing: error))")
            return
        }
        #expect(dataset == "mnist" && directory == dir.path)
        #expect(files == ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])

        let cifar = #expect(throws: DatasetError.self) { try DatasetSpec.cifar10(directory: dir.path).load() }
        #expect(try #require(cifar).description.contains("data_batch_1.bin"))
    }

    /// The same files raw and gzip-compressed load to the same sets and checksum.
    @Test func loadsIDXDirectoryRawOrGzip() throws {
        var checksums: [String] = []
        for gzip in [false, true] {
            let dir = try TestDirectory()
            defer { dir.remove() }
            let suffix = gzip ? ".gz" : ""
            for split in ["train", "t10k"] {
                try dir.write(idxImages(count: 3, rows: 2, columns: 3, pixels: sampleIDXPixels),
                              to: "\(split)-images-idx3-ubyte\(suffix)", gzip: gzip)
                try dir.write(idxLabels(sampleIDXLabels), to: "\(split)-labels-idx1-ubyte\(suffix)", gzip: gzip)
            }
            let data = try DatasetSpec.mnist(directory: dir.path).load()
            #expect(data.train.pixels == sampleIDXPixels && data.test.labels == sampleIDXLabels)
            checksums.append(data.checksum)
        }
        #expect(checksums[0] == checksums[1])
        #expect(checksums[0].count == 8 && checksums[0].allSatisfy(\.isHexDigit))
    }

    @Test func syntheticIsDeterministicAndSeedDependent() throws {
        let parameters = SyntheticDataset(trainCount: 50, testCount: 20, height: 8, width: 6, channels: 3,
                                          classCount: 4, seed: 11)
        let a = try DatasetSpec.synthetic(parameters).load()
        let b = try DatasetSpec.synthetic(parameters).load()
        #expect(a.train == b.train && a.test == b.test && a.checksum == b.checksum)
        #expect((a.train.count, a.test.count, a.train.height, a.train.width, a.train.channels) == (50, 20, 8, 6, 3))
        #expect(Set(a.train.labels) == [0, 1, 2, 3])
        var other = parameters
        other.seed = 12
        #expect(try DatasetSpec.synthetic(other).load().checksum != a.checksum)
        #expect(throws: DatasetError.self) { try SyntheticDataset(classCount: 0).generate() }
    }

    /// The documented class patterns separate the classes: a phase-invariant matched filter (the magnitude of each
    /// class's grating correlated with the image) picks the right class for nearly every noisy image.
    @Test func syntheticIsLearnable() throws {
        let set = try SyntheticDataset(trainCount: 300, testCount: 0, seed: 5).generate().train
        func response(image: Int, class k: Int) -> Double {
            let angle = Double.pi * Double(k) / Double(set.classCount)
            let frequency = 2 * Double.pi * Double(2 + k % 3) / Double(set.width)
            var (re, im) = (0.0, 0.0)
            for y in 0..<set.height {
                for x in 0..<set.width {
                    let value = Double(set.pixels[image * set.imageSize + y * set.width + x]) - 128
                    let t = frequency * (Double(x) * cos(angle) + Double(y) * sin(angle))
                    re += value * cos(t)
                    im += value * sin(t)
                }
            }
            return re * re + im * im
        }
        let correct = (0..<set.count).filter { i in
            let best = (0..<set.classCount).max { response(image: i, class: $0) < response(image: i, class: $1) }
            return best == Int(set.labels[i])
        }.count
        #expect(correct >= set.count * 9 / 10, "matched filter accuracy \(correct)/\(set.count)")
    }
}
