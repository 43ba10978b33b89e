@testable import Datasets
import Testing

@Suite struct PreprocessingTests {
    /// A 2×3 grey image with bytes 1…6, row-major.
    let tiny = ImageSet(height: 2, width: 3, channels: 1, classCount: 1, pixels: [1, 2, 3, 4, 5, 6], labels: [0])

    /// Renders `tiny` through `preprocessing` with an identity normalisation (byte values as Floats).
    func render(_ preprocessing: Preprocessing, _ placement: Placement) -> [Float] {
        var preprocessing = preprocessing
        preprocessing.normalization = .standardized(mean: [0], std: [1 / 255])
        let (height, width, channels) = preprocessing.outputShape(for: tiny)
        var output = [Float](repeating: -1, count: height * width * channels)
        let table = preprocessing.lookupTable(channels: channels)
        preprocessing.render(tiny.pixels, height: 2, width: 3, channels: 1, placement: placement, table: table,
                             into: &output)
        return output
    }

    @Test func paddingCentresTheImage() {
        #expect(render(Preprocessing(pad: 1), Placement()) == [
            0, 0, 0, 0, 0,
            0, 1, 2, 3, 0,
            0, 4, 5, 6, 0,
            0, 0, 0, 0, 0,
        ])
    }

    @Test func flipMirrorsEachRow() {
        #expect(render(Preprocessing(), Placement(flipped: true)) == [3, 2, 1, 6, 5, 4])
    }

    @Test func cropShiftsAndFillsWithZeros() {
        // Offset (1, -1): output (y, x) = source (y + 1, x - 1).
        #expect(render(Preprocessing(cropPadding: 1), Placement(offsetY: 1, offsetX: -1)) == [0, 4, 5, 0, 0, 0])
        // Cropping happens before flipping: the shifted window is then mirrored.
        #expect(render(Preprocessing(cropPadding: 1), Placement(offsetY: 0, offsetX: 1, flipped: true))
            == [0, 3, 2, 0, 6, 5])
        // With padding, an offset moves the window over the padded image: output (y, x) = source (y - 2, x).
        #expect(render(Preprocessing(pad: 1, cropPadding: 1), Placement(offsetY: -1, offsetX: 1)) == [
            0, 0, 0, 0, 0,
            0, 0, 0, 0, 0,
            1, 2, 3, 0, 0,
            4, 5, 6, 0, 0,
        ])
    }

    @Test func normalisations() {
        #expect(Normalization.unitRange.value(of: 255, channel: 0) == 1)
        #expect(Normalization.unitRange.value(of: 0, channel: 0) == 0)
        #expect(Normalization.symmetricRange.value(of: 0, channel: 0) == -1)
        #expect(Normalization.symmetricRange.value(of: 255, channel: 0) == 1)
        #expect(Normalization.standardized(mean: [0.5], std: [0.25]).value(of: 255, channel: 0) == 2)
    }

    @Test func standardisationStatisticsPerChannel() throws {
        // Two 1×1 RGB images: red 0 and 255, green always 51, blue 255 and 0.
        let set = ImageSet(height: 1, width: 1, channels: 3, classCount: 1, pixels: [0, 51, 255, 255, 51, 0],
                           labels: [0, 0])
        guard case let .standardized(mean, std) = Normalization.standardized(over: set) else {
            Issue.record("expected standardized")
            return
        }
        #expect(mean == [0.5, 0.2, 0.5])
        #expect(std == [0.5, 1, 0.5])  // the constant green channel gets std 1

        // Standardising with a set's own statistics gives it zero mean and unit variance.
        let synthetic = try SyntheticDataset(trainCount: 64, testCount: 0, height: 6, width: 6, channels: 2,
                                             classCount: 3).generate().train
        let normalization = Normalization.standardized(over: synthetic)
        for c in 0..<2 {
            let values = stride(from: c, to: synthetic.pixels.count, by: 2).map {
                Double(normalization.value(of: synthetic.pixels[$0], channel: c))
            }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3)
        }
    }

    @Test func descriptionIsStable() {
        let preprocessing = Preprocessing(pad: 2, normalization: .standardized(mean: [0.286], std: [0.353]),
                                          cropPadding: 4, horizontalFlip: true)
        #expect(preprocessing.description == "pad=2 norm=standardized(mean=[0.286],std=[0.353]) crop=4 flip=on")
        #expect(Preprocessing().description == "pad=0 norm=unit crop=0 flip=off")
    }
}
