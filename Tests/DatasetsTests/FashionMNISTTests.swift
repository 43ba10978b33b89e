import Datasets
import Foundation
import Testing

/// Loads the real Fashion-MNIST if Debian's `dataset-fashion-mnist` is installed.
@Suite struct FashionMNISTTests {
    static let installed = FileManager.default.fileExists(
        atPath: DatasetSpec.debianFashionMNISTDirectory + "/train-images-idx3-ubyte.gz")

    @Test(.enabled(if: installed, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)"))
    func loadsTheDebianFiles() throws {
        let data = try DatasetSpec.fashionMNIST().load()
        #expect(data.train.count == 60_000 && data.test.count == 10_000)
        for set in [data.train, data.test] {
            #expect((set.height, set.width, set.channels, set.classCount) == (28, 28, 1, 10))
            #expect(Set(set.labels) == Set(0..<10))
        }
        #expect(data.checksum.count == 8)
        print("Fashion-MNIST checksum: \(data.checksum)")
        let (training, validation) = try data.train.split(
            validationCount: DatasetSpec.fashionMNIST().defaultValidationCount, seed: 0)
        #expect((training.count, validation.count) == (55_000, 5_000))
    }
}
