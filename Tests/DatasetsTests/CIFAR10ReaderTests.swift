import Datasets
import Testing

@Suite struct CIFAR10ReaderTests {
    /// A record whose pixel of channel c at index i (row-major in its plane) is (c * 50 + i) % 256.
    func record(label: UInt8) -> [UInt8] {
        [label] + (0..<3).flatMap { c in (0..<1024).map { UInt8((c * 50 + $0) % 256) } }
    }

    @Test func readsRecordsAsHWC() throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        let first = try dir.write(record(label: 3) + record(label: 9), to: "a.bin")
        let second = try dir.write(record(label: 0), to: "b.bin")
        let set = try CIFAR10Reader.read([first, second])
        #expect(set.count == 3)
        #expect((set.height, set.width, set.channels, set.classCount) == (32, 32, 3, 10))
        #expect(set.labels == [3, 9, 0])
        for image in [0, 2] {
            for (y, x) in [(0, 0), (0, 1), (5, 7), (31, 31)] {
                for c in 0..<3 {
                    let planeIndex = y * 32 + x
                    #expect(set.pixels[image * 3072 + planeIndex * 3 + c] == UInt8((c * 50 + planeIndex) % 256))
                }
            }
        }
    }

    @Test func refusesBadSizeAndLabel() throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        let short = try dir.write(record(label: 1) + [0, 0], to: "short.bin")
        #expect(throws: DatasetError.badRecordSize(path: short, size: 3075, recordSize: 3073)) {
            try CIFAR10Reader.read([short])
        }
        let empty = try dir.write([], to: "empty.bin")
        #expect(throws: DatasetError.badRecordSize(path: empty, size: 0, recordSize: 3073)) {
            try CIFAR10Reader.read([empty])
        }
        let badLabel = try dir.write(record(label: 1) + record(label: 10), to: "label.bin")
        #expect(throws: DatasetError.labelOutOfRange(path: badLabel, index: 1, label: 10, classCount: 10)) {
            try CIFAR10Reader.read([badLabel])
        }
    }
}
