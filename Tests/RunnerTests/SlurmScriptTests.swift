import Foundation
import Runner
import Testing

@Suite("The sbatch script of a job array")
struct SlurmScriptTests {
    let layout = ShardLayout(experiment: "quick", databasePath: "/lab/results/lab.sqlite")

    func script(_ resources: SlurmScript.Resources) -> [String] {
        SlurmScript(layout: layout, taskCount: 6, resources: resources, executable: "/lab/.build/release/inception-lab",
                    directory: URL(fileURLWithPath: "/lab"), commandLine: "inception-lab submit quick.yaml --slurm",
                    queuedAt: 1_796_000_000)
            .text.split(separator: "\n").map(String.init)
    }

    @Test func asksForWhatWasGivenAndRunsTheTaskLineOfTheFrozenPlan() {
        let lines = script(.init(cpusPerTask: 2, time: "2:00:00", partition: "cpu", memory: "4G", maxParallel: 3))
        #expect(lines.filter { $0.hasPrefix("#SBATCH") } == [
            "#SBATCH --job-name=quick", "#SBATCH --array=0-5%3", "#SBATCH --cpus-per-task=2", "#SBATCH --time=2:00:00",
            "#SBATCH --mem=4G", "#SBATCH --partition=cpu", "#SBATCH --requeue", "#SBATCH --chdir=/lab",
            "#SBATCH --output=results/slurm/quick/%A_%a.out", "#SBATCH --open-mode=append",
        ])
        #expect(lines.contains(#"key=$(awk -F'\t' -v task="$SLURM_ARRAY_TASK_ID" '$1 == task { print $2 }' "#
                               + #"results/shards/quick/plan.tsv)"#))
        #expect(lines.contains(#"exec srun --cpus-per-task="$SLURM_CPUS_PER_TASK" /lab/.build/release/inception-lab "#
                               + #"run results/shards/quick/spec.yaml \"#))
        #expect(lines.contains(#"    --run-key "$key" --db "results/shards/quick/$key.sqlite" "#
                               + #"--threads "$SLURM_CPUS_PER_TASK" --stale-after 0 --retry-failed \"#))
        #expect(lines.contains("    --queued-at 1796000000"))   // every task's run counts as queued at the submission
    }

    @Test func leavesTheClusterDefaultsAlone() {
        let options = script(.init(cpusPerTask: 1, requeue: false)).filter { $0.hasPrefix("#SBATCH") }
        #expect(options.contains("#SBATCH --array=0-5") && options.contains("#SBATCH --no-requeue"))
        #expect(!options.contains { $0.contains("--time") || $0.contains("--mem") || $0.contains("--partition") })
    }

    @Test func refusesWhatSbatchWouldReject() {
        let bad: [SlurmScript.Resources] = [
            .init(cpusPerTask: 0), .init(cpusPerTask: 1, maxParallel: 0), .init(cpusPerTask: 1, time: "2h"),
            .init(cpusPerTask: 1, memory: "4 GB"), .init(cpusPerTask: 1, partition: "a b"),
        ]
        for resources in bad { #expect(throws: SlurmError.self) { try resources.validate() } }
        #expect(throws: Never.self) {
            try SlurmScript.Resources(cpusPerTask: 1, time: "1-12:00", memory: "500M").validate()
        }
    }

    @Test func theFrozenPlanNumbersTasksFromZero() throws {
        let plan = try Fixture.plan(Fixture.spec())
        #expect(FrozenPlan.text(plan.runs) == "# task\trun_key\tname\n"
                + "0\t\(plan.runs[0].runKey)\t\(plan.runs[0].name)\n1\t\(plan.runs[1].runKey)\t\(plan.runs[1].name)\n")
    }
}
