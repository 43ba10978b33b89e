import ArgumentParser
import Models

/// `inception-lab summary MODEL …`: one row per top-level block (name, output shape, parameters, MACs) and
/// the totals, for any configuration of the family.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Show a network block by block: output shape, parameters and multiply-adds per image.")

    @Argument(help: "The network.")
    var model: ModelName

    @OptionGroup var options: ModelOptions

    @Flag(help: "Print JSON: {config, inputShape, blocks: [{name, outputShape, parameters, macs}], parameters, macs}.")
    var json = false

    func run() throws {
        let summary = try Model(options.config(model: model), seed: 0).summary()
        print(json ? try jsonString(summary) : summary.table())
    }
}
