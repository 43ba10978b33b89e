import ArgumentParser
import Foundation
import ResultsStore
import Runner
import TensorBoard

/// `inception-lab tensorboard [RUN…] [--experiment NAME] --out DIR`: writes recorded runs as TensorBoard event
/// files, one directory per run.
struct TensorBoardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensorboard",
        abstract: "Write recorded runs as TensorBoard event files, one directory per run.",
        discussion: """
            Each run goes to DIR/<run name>/ (DIR/<run name>-run<id>/ when two chosen runs share a name): every \
            metric at its step and wall time (the run's start plus its training seconds), and the configuration as \
            text. Exporting again adds only what the directory lacks. Open with `pip install tensorboard` and \
            `tensorboard --logdir DIR`. `train` and `run` write the same events live with --tensorboard DIR.
            """)

    @Argument(help: ArgumentHelp("Run ids (see `inception-lab runs`).", valueName: "run"))
    var runs: [Int] = []

    @Option(help: "Every run of the experiment with this name.")
    var experiment: String?

    @Option(help: ArgumentHelp("The log directory (TensorBoard's --logdir).", valueName: "dir"))
    var out: String

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        if runs.isEmpty && experiment == nil { throw ValidationError("name runs by id, or an --experiment, or both") }
    }

    func run() throws {
        let reader = try database.openReader()
        var ids = runs
        if let experiment {
            let found = try reader.runs(RunFilter(experiment: experiment)).rows.map { $0[0].int! }
            if found.isEmpty {
                throw QueryError("no runs of an experiment named \(experiment); see `inception-lab runs`")
            }
            ids += found
        }
        let chosen = try ids.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }.map {
            try reader.run($0).run
        }
        let names = chosen.map { RunEventLog.directoryName($0.name) }
        let root = URL(fileURLWithPath: out, isDirectory: true)
        for (run, name) in zip(chosen, names) {
            let directory = names.filter { $0 == name }.count > 1 ? "\(name)-run\(run.id)" : name
            let path = root.appendingPathComponent(directory)
            let log = try RunEventLog.open(run: run, directory: path, reader: reader)
            print("run \(run.id): \(path.path): "
                  + (log.addedCount == 0 ? "nothing new" : "\(log.addedCount) values written"))
        }
        print("open with: tensorboard --logdir \(out)")
    }
}
