import Datasets
import Testing

@Suite struct ImageSetTests {
    /// 100 1×1 grey images whose pixel is their index, in 10 classes.
    let numbered = ImageSet(height: 1, width: 1, channels: 1, classCount: 10, pixels: (0..<100).map { UInt8($0) },
                            labels: (0..<100).map { UInt8($0 % 10) })

    @Test func splitIsDeterministicDisjointAndComplete() throws {
        let (training, validation) = try numbered.split(validationCount: 20, seed: 42)
        let again = try numbered.split(validationCount: 20, seed: 42)
        #expect(training == again.training && validation == again.validation)
        #expect((training.count, validation.count) == (80, 20))
        #expect(Set(training.pixels).isDisjoint(with: validation.pixels))
        #expect(Set(training.pixels + validation.pixels) == Set(numbered.pixels))
        // Images keep their labels and their original relative order.
        #expect(zip(validation.pixels, validation.labels).allSatisfy { $0 % 10 == $1 })
        #expect(validation.pixels == validation.pixels.sorted())

        let other = try numbered.split(validationCount: 20, seed: 43)
        #expect(other.validation != validation)
    }

    @Test func splitRefusesBadCounts() {
        #expect(throws: DatasetError.self) { try numbered.split(validationCount: 100, seed: 0) }
        #expect(throws: DatasetError.self) { try numbered.split(validationCount: -1, seed: 0) }
    }

    @Test func subsetKeepsOrder() {
        let subset = numbered.subset([5, 3, 99])
        #expect(subset.pixels == [5, 3, 99] && subset.labels == [5, 3, 9])
    }
}
