import Engine

/// Per-block cost of a built model, read from its layers (`parameterCount`, `macs`), never from a table.
public struct ModelSummary: Codable, Hashable, Sendable {
    /// One top-level block: its output shape per image, trainable parameters and multiply-adds per image.
    public struct Block: Codable, Hashable, Sendable {
        /// The block's name in the model's root (`stem`, `inception_a1`, …).
        public let name: String
        /// Height × width × channels of one image of the block's output.
        public let outputShape: Shape
        /// Trainable parameters of the block.
        public let parameters: Int
        /// Multiply-adds per image of the block's convolutions and fully connected layer.
        public let macs: Int
    }

    /// The configuration summarised.
    public let config: ModelConfig
    /// Shape of one input image.
    public let inputShape: Shape
    public let blocks: [Block]
    /// Trainable parameters of the whole network.
    public let parameters: Int
    /// Convolution and fully-connected multiply-adds per image.
    public let macs: Int

    /// A plain-text table: one row per block (name, output shape, parameters, MACs), then the totals.
    public func table() -> String {
        let header = ["block", "output", "parameters", "MACs"]
        let rows = blocks.map { [$0.name, $0.outputShape.description, grouped($0.parameters), grouped($0.macs)] }
        let total = ["total", "", grouped(parameters), grouped(macs)]
        let all = [header] + rows + [total]
        let widths = (0..<4).map { c in all.map { $0[c].count }.max()! }
        func line(_ r: [String]) -> String {
            r[0].padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  "
                + r[1].padding(toLength: widths[1], withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: widths[2] - r[2].count) + r[2] + "  "
                + String(repeating: " ", count: widths[3] - r[3].count) + r[3]
        }
        let rule = String(repeating: "-", count: widths.reduce(6, +))
        let s = config.residualScales.map { "  scales \($0)" } ?? ""
        let learned = config.residualScaleInit.map { "  \(config.residualScaleMode) from \($0)" } ?? ""
        let extraBatchNorm = config.prePoolBatchNorm ? "  pre-pool BatchNorm" : ""
        let title = "\(config.model)  width \(config.width)  repeats \(config.repeats)  \(config.stem) stem  "
            + "input \(inputShape)  classes \(config.classes)\(s)\(learned)\(extraBatchNorm)"
        let totals = "\(millions(parameters)) M parameters, \(millions(macs)) M MACs per image"
        return ([title, line(header), rule] + rows.map(line) + [rule, line(total), totals]).joined(separator: "\n")
    }
}

/// `n` with thousands separators: 55843464 → "55,843,464".
public func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(d)
    }
    return (n < 0 ? "-" : "") + out
}

/// `n / 10⁶` with one decimal and thousands separators: 13155834880 → "13,155.8".
public func millions(_ n: Int) -> String {
    let tenths = (n + 50_000) / 100_000
    return "\(grouped(tenths / 10)).\(tenths % 10)"
}
