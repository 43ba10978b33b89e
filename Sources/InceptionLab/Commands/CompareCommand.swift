import ArgumentParser
import ResultsStore

/// `inception-lab compare RUN RUN…`: where the runs' configurations differ, and their final metrics side by side.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs: configuration differences and final metrics side by side.",
        discussion: """
            Configurations are flattened to dotted paths (model.width, stages[0]); only the paths whose values \
            differ are shown, blank where a run lacks the path. Final metrics are the last value of every metric \
            any of the runs recorded. Compute settings: the processor, library and threads each run computed with \
            (and those of its earlier steps if it was resumed elsewhere); its times compare with another's only \
            where these agree.
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: ArgumentHelp("The runs' ids (at least two, see `inception-lab runs`).", valueName: "run"))
    var runIDs: [Int]

    @Flag(help: ArgumentHelp("Print one JSON object: {config: [{path, run ID…}], metrics: [{metric, run ID…}], "
                             + "compute: [{field, run ID…}]}."))
    var json = false

    func validate() throws {
        guard runIDs.count >= 2 else { throw ValidationError("give at least two run ids to compare") }
        guard Set(runIDs).count == runIDs.count else { throw ValidationError("a run id is given twice") }
    }

    func run() throws {
        let comparison = try database.openReader().compare(runIDs)
        if json {
            // Each table's JSON ends with a newline, dropped to place the comma and brace after it.
            print("{\"config\": \(comparison.configDifferences.formatted(as: .json).dropLast()),\n"
                  + "\"metrics\": \(comparison.finalMetrics.formatted(as: .json).dropLast()),\n"
                  + "\"compute\": \(comparison.computeSettings.formatted(as: .json).dropLast())}")
            return
        }
        print("configuration differences")
        print(comparison.configDifferences.rows.isEmpty ? "  (none: the configurations are identical)\n"
              : comparison.configDifferences.formatted(as: .text))
        print("final metrics")
        print(comparison.finalMetrics.rows.isEmpty ? "  (none recorded)" : comparison.finalMetrics.formatted(as: .text))
        print("compute settings")
        print(comparison.computeSettings.formatted(as: .text), terminator: "")
        if comparison.settingsDiffer {
            print("  the settings differ (or one is not recorded, or a run was resumed on another): step_time, "
                  + "images_per_second and wall times measure the machines as much as the networks")
        }
    }
}
