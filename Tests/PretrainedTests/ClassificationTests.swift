import CTestImageWriters
import Engine
import Foundation
import Imaging
import Models
import Pretrained
import Testing

struct ClassificationTests {
    /// A scratch folder removed when the test ends.
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cls-\(UUID().uuidString)")
        deinit { try? FileManager.default.removeItem(at: url) }

        /// Writes a `width × height` RGB PNG whose bytes follow `seed`, at `path` under the folder.
        @discardableResult
        func png(_ path: String, width: Int = 40, height: Int = 30, seed: Int = 0) throws -> URL {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            let bytes = (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: $0 * 7 + seed * 31 + $0 / 97) }
            #expect(ctw_write_png(file.path, Int32(width), Int32(height), 2, 8, 0, bytes, Int32(width * 3),
                                  nil, 0, nil, 0) == 0)
            return file
        }
    }

    @Test func tallyCountsTopOneAndTopFive() {
        var tally = TopKTally()
        let p: [Float] = [0.30, 0.20, 0.15, 0.10, 0.08, 0.07, 0.05, 0.05]
        tally.add(p, label: 0)   // first
        tally.add(p, label: 2)   // third
        tally.add(p, label: 4)   // fifth
        tally.add(p, label: 5)   // sixth
        #expect(tally.count == 4 && tally.top1Correct == 1 && tally.top5Correct == 3)
        #expect(tally.top1Error == 75 && tally.top5Error == 25)
        #expect(ImageClassifier.top(3, of: p).map(\.index) == [0, 1, 2])
        #expect(ImageClassifier.top(8, of: p).suffix(2).map(\.index) == [6, 7])   // a tie: lower index first
    }

    @Test func tallyCountsNonFiniteProbabilitiesAsWrong() {
        var tally = TopKTally()
        tally.add([Float.nan, .nan, .nan], label: 0)   // softmax of NaN logits
        tally.add([1, .nan, 0], label: 0)
        #expect(tally.count == 2 && tally.top1Correct == 0 && tally.top5Correct == 0)
        #expect(tally.top1Error == 100 && tally.top5Error == 100)
    }

    @Test func folderLabelsFollowSortedClassFolders() throws {
        let f = Folder()
        try f.png("b/2.png"); try f.png("b/1.png"); try f.png("a/x.png"); try f.png("c/y.png")
        try Data().write(to: f.url.appendingPathComponent(".DS_Store"))
        let folder = try ImageFolder(f.url, classes: 3)
        #expect(folder.classFolders == ["a", "b", "c"])
        #expect(folder.samples.map { "\($0.url.lastPathComponent):\($0.label)" }
                == ["x.png:0", "1.png:1", "2.png:1", "y.png:2"])

        func refusal(_ url: URL, _ classes: Int) -> String? {
            do { _ = try ImageFolder(url, classes: classes); return nil } catch { return error.description }
        }
        #expect(refusal(f.url, 4)?.contains("has 3 class sub-folder(s) but the network has 4 classes") == true)
        #expect(refusal(f.url.appendingPathComponent("a/x.png"), 3)?.contains("is not a directory") == true)
        let empty = Folder()
        try FileManager.default.createDirectory(at: empty.url.appendingPathComponent("only"),
                                                withIntermediateDirectories: true)
        #expect(refusal(empty.url, 1)?.hasSuffix("the class sub-folders hold no files") == true)
    }

    @Test func synsetFoldersTakeTheirImageNetIndexSoSubsetsWork() throws {
        let f = Folder()
        try f.png("n01443537/a.png"); try f.png("n15075141/b.png")
        let folder = try ImageFolder(f.url, classes: 1000)
        #expect(folder.samples.map(\.label) == [1, 999])
        #expect(ImageNetClasses.all[1].name == "goldfish" && ImageNetClasses.all.count == 1000)
    }

    /// A small RGB network; its BatchNorm moving statistics are off their initial values so inference is not trivial.
    func smallModel(channels: Int = 3) throws -> Model {
        let model = try Model(ModelConfig(model: .inceptionV3, width: 0.0625, repeats: Repeats(1, 1, 1), stem: .compact,
                                          inputSize: 32, inputChannels: channels, classes: 4), seed: 3)
        var rng = RandomGenerator(seed: 4)
        for (name, p) in model.network.namedParameters where name.hasSuffix("moving_mean") {
            for i in 0..<p.count { p.value[i] = Float(rng.nextNormal()) * 0.1 }
        }
        return model
    }

    @Test func classifyingInBatchesGivesEachImageItsOwnProbabilities() throws {
        let f = Folder()
        let urls = try (0..<5).map { try f.png("img\($0).png", width: 50 + 7 * $0, height: 40, seed: $0) }
        let one = try ImageClassifier(model: smallModel(), cropFraction: 0.875, batchSize: 1)
        let three = try ImageClassifier(model: smallModel(), cropFraction: 0.875, batchSize: 3)
        let a = try one.probabilities(of: urls), b = try three.probabilities(of: urls)
        // Equal up to rounding: a GEMM over 3 images may round its last bits differently from one over 1.
        #expect(a.count == 5 && zip(a, b).allSatisfy { zip($0, $1).allSatisfy { abs($0 - $1) < 1e-6 } }, "\(a) \(b)")
        #expect(a.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-5 && $0.count == 4 })
        #expect(a[0] != a[1])

        // The same as the training network's own forward pass (in inference mode) on the transformed image.
        let model = try smallModel(), pixels = one.transform(try RGBImage(contentsOf: urls[2]))
        let image = Tensor(shape: model.network.inputShape, batch: 1, values: pixels)
        let logits = model.network.forward(image.view(batch: 1), mode: .inference).toArray()
        let e = logits.map { exp(Double($0 - logits.max()!)) }
        #expect(zip(a[2], e).allSatisfy { abs(Double($0) - $1 / e.reduce(0, +)) < 1e-6 })
    }

    @Test func unreadableImagesAndGrayNetworksAreRefused() throws {
        #expect(throws: ImageError.self) { try ImageClassifier(model: smallModel(channels: 1), cropFraction: 0.875) }
        let f = Folder()
        let bad = f.url.appendingPathComponent("bad.png")
        try FileManager.default.createDirectory(at: f.url, withIntermediateDirectories: true)
        try Data("not an image".utf8).write(to: bad)
        let classifier = try ImageClassifier(model: smallModel(), cropFraction: 0.875)
        #expect(throws: ImageError.self) { try classifier.probabilities(of: [bad]) }
    }
}
