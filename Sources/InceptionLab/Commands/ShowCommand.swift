import ArgumentParser
import Foundation
import ResultsStore

/// `inception-lab show RUN`: everything recorded about one run — its fields, configuration, environment, events
/// and the last value of each metric.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run in full: fields, configuration, environment, events and final metrics.",
        discussion: "Times are UTC. The JSON form keeps the configuration as a JSON object and times as UNIX seconds.")

    @OptionGroup var database: DatabaseOption

    @Argument(help: ArgumentHelp("The run's id (see `inception-lab runs`).", valueName: "run"))
    var runID: Int

    @Flag(help: "Print one JSON object: {run, experiment, config, environment, events, final_metrics}.")
    var json = false

    func run() throws {
        let detail = try database.openReader().run(runID)
        print(json ? try jsonReport(detail) : textReport(detail), terminator: "")
    }

    /// The run's own fields as (label, value) pairs, `nil` where unset; JSON uses the labels as keys.
    private func fields(_ detail: RunDetail) -> [(String, Any?)] {
        let run = detail.run
        return [
            ("id", run.id), ("name", run.name), ("experiment", detail.experiment), ("status", run.status.rawValue),
            ("seed", run.seed), ("step", run.step), ("total_steps", run.totalSteps),
            ("created_at", run.createdAt), ("started_at", run.startedAt), ("finished_at", run.finishedAt),
            ("heartbeat_at", run.heartbeatAt), ("owner", run.owner), ("died_at_step", run.diedAtStep),
            ("error", run.error), ("run_key", run.runKey), ("config_hash", run.configHash),
        ]
    }

    /// The environment as (label, value) pairs, the extra JSON parsed.
    private func environmentFields(_ environment: RunEnvironment) -> [(String, Any)] {
        [
            ("code_revision", environment.codeRevision), ("host", environment.host),
            ("cpu_model", environment.cpuModel), ("threads", environment.threads),
            ("blas_config", environment.blasConfig), ("swift_version", environment.swiftVersion),
            ("dataset_checksum", environment.datasetChecksum), ("command_line", environment.commandLine),
            ("extra", parsedJSON(environment.extraJSON)),
        ]
    }

    private func textReport(_ detail: RunDetail) -> String {
        func section(_ title: String, _ body: String) -> String { "\n\(title)\n" + body }
        func aligned(_ pairs: [(String, String)]) -> String {
            let width = pairs.map(\.0.count).max() ?? 0
            return pairs.map { label, value in
                var line = "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value
                while line.last == " " { line.removeLast() }
                return line + "\n"
            }.joined()
        }
        let timeFields: Set = ["created_at", "started_at", "finished_at", "heartbeat_at"]
        var text = aligned(fields(detail).compactMap { label, value in
            guard let value else { return nil }
            return (label, timeFields.contains(label) ? utcTimestamp(value as! Double) : "\(value)")
        })
        text += section("configuration", prettyJSON(detail.run.configJSON) + "\n")
        text += section("environment", detail.environment.map { environment in
            aligned(environmentFields(environment).map { label, value in
                (label, label == "extra" ? environment.extraJSON : "\(value)")
            })
        } ?? "  (not recorded)\n")
        let events = ResultTable(columns: ["time", "step", "kind", "message"], rows: detail.events.map {
            [.text(utcTimestamp($0.time)), $0.step.map { .integer(Int64($0)) } ?? .null, .text($0.kind),
             .text($0.message)]
        })
        text += section("events", events.formatted(as: .text))
        let metrics = ResultTable(columns: ["metric", "step", "value", "wall_time"],
                                  rows: detail.finalMetrics.sorted { $0.key < $1.key }.map { name, point in
            [.text(name), .integer(Int64(point.step)), point.value.map(SQLValue.real) ?? .null, .real(point.wallTime)]
        })
        text += section("final metrics", metrics.formatted(as: .text))
        return text
    }

    private func jsonReport(_ detail: RunDetail) throws -> String {
        var object: [String: Any] = [:]
        for (label, value) in fields(detail) { object[label] = value ?? NSNull() }
        object["config"] = parsedJSON(detail.run.configJSON)
        object["environment"] = detail.environment.map { Dictionary(uniqueKeysWithValues: environmentFields($0)) }
            ?? NSNull()
        object["events"] = detail.events.map {
            ["time": $0.time, "step": $0.step ?? NSNull(), "kind": $0.kind, "message": $0.message] as [String: Any]
        }
        object["final_metrics"] = detail.finalMetrics.mapValues {
            ["step": $0.step, "value": $0.value ?? NSNull(), "wall_time": $0.wallTime] as [String: Any]
        }
        return try serializedJSON(object) + "\n"
    }
}

/// `text` parsed as JSON (objects as dictionaries), or the text itself if it does not parse.
private func parsedJSON(_ text: String) -> Any {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
}

/// JSON text indented with sorted keys.
private func prettyJSON(_ text: String) -> String {
    (try? serializedJSON(parsedJSON(text))) ?? text
}

/// `object` as indented JSON with sorted keys and unescaped slashes.
private func serializedJSON(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object,
                                          options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes,
                                                    .fragmentsAllowed])
    return String(decoding: data, as: UTF8.self)
}
