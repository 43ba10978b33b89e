import Datasets
import RunContract

extension TrainingConfig {
    /// Refuses splits `dataset` cannot give: no image left to validate on, fewer training images than one batch,
    /// an empty test split. Checked before a run is created (by `train`, by an experiment plan and by `Trainer`),
    /// so that no run is recorded that cannot take a step.
    public func validate(for dataset: LoadedDataset) throws {
        let total = dataset.train.count, held = validationImages(outOf: total)
        guard (1..<total).contains(held) else {
            throw TrainingError.invalidSetting(field: "validation", expected: total < 2
                ? "a dataset of at least 2 training images to hold some out for validation; it has \(total)"
                : "between 1 and \(total - 1) images held out of the \(total) training images; found \(held)")
        }
        guard batchSize <= total - held else {
            throw TrainingError.invalidSetting(field: "batch", expected: "at most \(total - held) images, the training "
                + "split (\(total) training images less \(held) held out for validation); found \(batchSize)")
        }
        guard dataset.test.count > 0 else {
            throw TrainingError.invalidSetting(field: "data", expected: "a dataset with test images; it has none")
        }
    }
}
