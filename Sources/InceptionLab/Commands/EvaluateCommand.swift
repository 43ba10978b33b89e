import ArgumentParser
import Engine
import Foundation
import Pretrained

/// `inception-lab evaluate --model M --weights FILE --data DIR`: single-crop top-1 and top-5 error over an
/// ImageNet-style validation folder, next to the published figures.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Single-crop top-1/top-5 error of published (timm) weights on an ImageNet-style validation folder.",
        discussion: """
            DIR holds one sub-folder per class with its images (ImageNet's validation set sorted into synset \
            folders n01440764 … n15075141; a subset of the synsets works too). The result is printed next to the \
            paper's Table 2 and timm's published accuracy for the same weights. The full 50,000 images take hours \
            on a CPU: --limit evaluates an evenly spread sample first.
            """)

    @OptionGroup var options: ClassifierOptions

    @Option(help: "The validation folder.")
    var data: String

    @Option(help: "Evaluate only N images, spread evenly over the sorted folder (every ⌈total/N⌉-th image).")
    var limit: Int?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    struct Result: Encodable {
        struct Reference: Encodable {
            let source: String
            let top1Error, top5Error: Double
            let note: String
        }
        let model, weights, data: String
        let cropFraction: Double
        /// The backend that ran the products and its library (`Backend.library`).
        let backend, library: String
        let images, top1Correct, top5Correct: Int
        let top1Error, top5Error: Double
        let published: [Reference]
    }

    func run() throws {
        let classifier = try options.classifier()
        let config = classifier.config
        let folder = try ImageFolder(URL(fileURLWithPath: data), classes: config.classes)
        var samples = folder.samples
        if let limit, limit < samples.count {
            let step = (samples.count + limit - 1) / limit
            samples = stride(from: 0, to: samples.count, by: step).map { samples[$0] }
        }

        let progress = ProgressDisplay()
        let clock = ContinuousClock(), start = clock.now
        var tally = TopKTally()
        for first in stride(from: 0, to: samples.count, by: classifier.batchSize) {
            let chunk = samples[first..<min(first + classifier.batchSize, samples.count)]
            for (sample, p) in zip(chunk, try classifier.probabilities(of: chunk.map(\.url))) {
                tally.add(p, label: sample.label)
            }
            let rate = Double(tally.count) / max((clock.now - start).seconds, 1e-9)
            progress.draw(fraction: Double(tally.count) / Double(samples.count),
                          text: String(format: "%d/%d images  top-1 err %.2f%%  top-5 err %.2f%%  %.1f img/s  ETA %@",
                                       tally.count, samples.count, tally.top1Error, tally.top5Error, rate,
                                       ProgressDisplay.duration(Double(samples.count - tally.count) / rate)))
        }
        progress.finish()

        let published = PublishedAccuracy.figures(for: config.model)
        if json {
            print(try jsonString(Result(
                model: config.model.rawValue, weights: options.weights, data: data,
                cropFraction: classifier.transform.cropFraction,
                backend: Backend.current.rawValue, library: Backend.current.library, images: tally.count,
                top1Correct: tally.top1Correct, top5Correct: tally.top5Correct,
                top1Error: tally.top1Error, top5Error: tally.top5Error,
                published: published.map { .init(source: $0.source, top1Error: $0.top1Error, top5Error: $0.top5Error,
                                                  note: $0.note) })))
            return
        }
        print("\(config.model) with \(options.weights), crop fraction \(classifier.transform.cropFraction), "
              + "\(tally.count) images "
              + "in \(Set(samples.map(\.label)).count) classes from \(data); " + ComputeOptions.summary)
        let rows = [("measured here", tally.top1Error, tally.top5Error, "single crop, \(tally.count) images")]
            + published.map { ($0.source, $0.top1Error, $0.top5Error, $0.note) }
        let width = rows.map(\.0.count).max()!
        print(leftPadded("", width) + "  top-1 err  top-5 err")
        for (source, top1, top5, note) in rows {
            print(source.padding(toLength: width, withPad: " ", startingAt: 0)
                  + String(format: "  %8.2f%%  %8.2f%%  ", top1, top5) + note)
        }
    }
}
