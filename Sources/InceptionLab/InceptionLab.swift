import ArgumentParser

@main
struct InceptionLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inception-lab",
        abstract: "Reproduce the ablations of Inception-v4, Inception-ResNet and the Impact of Residual Connections "
                  + "on Learning.",
        subcommands: [ModelsCommand.self, SummaryCommand.self, TrainCommand.self, PlanCommand.self, RunCommand.self,
                      SubmitCommand.self, MergeCommand.self, StatusCommand.self, ReportCommand.self, RunsCommand.self,
                      ShowCommand.self, MetricsCommand.self, SQLCommand.self, CompareCommand.self,
                      TensorBoardCommand.self, ForwardCommand.self, BenchCommand.self, ExportCommand.self,
                      PredictCommand.self, EvaluateCommand.self])
}
