/// One record of an event file: tensorflow's `Event` message (tensorflow/core/util/event.proto), reduced to what
/// TensorBoard needs for scalars and text. A `Sendable` value.
///
/// Encoded fields: `Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5 }`,
/// `Summary { repeated Value value = 1 }`, and per value `tag = 1` with either `float simple_value = 2` (a
/// scalar) or, for text, `TensorProto tensor = 8` holding one `DT_STRING` scalar (`dtype = 1` = 7, empty
/// `tensor_shape = 2`, `string_val = 8`) and `SummaryMetadata metadata = 9` with `plugin_data.plugin_name =
/// "text"`, as tensorboard's text plugin writes it (`tensorboard.plugins.text.summary_v2.text_pb`). Fields are
/// written in field-number order, as protobuf's own serializer does.
public struct Event: Sendable, Equatable {
    /// What a record carries.
    public enum Content: Sendable, Equatable {
        /// The first record of every file: `brain.Event:2`.
        case fileVersion(String)
        /// Tagged values measured at the event's step.
        case summary([SummaryValue])
    }

    /// UNIX time in seconds (TensorBoard's "wall" and "relative" axes).
    public var wallTime: Double
    /// The training step (TensorBoard's "step" axis).
    public var step: Int
    public var content: Content

    /// An event; see the properties.
    public init(wallTime: Double, step: Int, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The version string every event file starts with.
    public static let fileVersion = "brain.Event:2"

    /// The protocol-buffer bytes (proto3: a zero step is left out).
    public func encoded() -> [UInt8] {
        var message = ProtobufWriter()
        message.double(1, wallTime)
        if step != 0 { message.varint(2, UInt64(bitPattern: Int64(step))) }
        switch content {
        case .fileVersion(let version):
            message.string(3, version)
        case .summary(let values):
            message.message(5) { summary in
                for value in values { summary.message(1) { value.encode(into: &$0) } }
            }
        }
        return message.bytes
    }

    /// Decodes the protocol-buffer bytes of an event; fields other than the above are skipped. An event with
    /// neither a file version nor a summary (a graph, a log message) is a summary without values.
    public init(decoding bytes: ArraySlice<UInt8>) throws {
        var reader = ProtobufReader(bytes)
        (wallTime, step, content) = (0, 0, .summary([]))
        var values: [SummaryValue] = []
        while let (number, field) = try reader.next() {
            switch (number, field) {
            case (1, .fixed64(let bits)): wallTime = Double(bitPattern: bits)
            case (2, .varint(let value)): step = Int(Int64(bitPattern: value))
            case (3, .bytes(let text)): content = .fileVersion(String(decoding: text, as: UTF8.self))
            case (5, .bytes(let summary)):
                var summaryReader = ProtobufReader(summary)
                while let (number, field) = try summaryReader.next() {
                    if number == 1, case .bytes(let bytes) = field, let value = try SummaryValue(decoding: bytes) {
                        values.append(value)
                    }
                }
                content = .summary(values)
            default: continue
            }
        }
    }
}

/// One tagged value of a summary. A `Sendable` value.
public struct SummaryValue: Sendable, Equatable {
    /// What a value holds.
    public enum Value: Sendable, Equatable {
        /// A number of TensorBoard's scalars dashboard (stored as a 32-bit float).
        case scalar(Float)
        /// Markdown for TensorBoard's text dashboard.
        case text(String)
    }

    /// The series name, e.g. `val_top1_error`.
    public var tag: String
    public var value: Value

    /// A value; see the properties.
    public init(tag: String, value: Value) {
        self.tag = tag
        self.value = value
    }

    /// The plugin name that makes TensorBoard show a tensor on its text dashboard.
    static let textPlugin = "text"
    /// `DT_STRING` of tensorflow's `DataType` enum (types.proto).
    static let stringType: UInt64 = 7

    func encode(into message: inout ProtobufWriter) {
        message.string(1, tag)
        switch value {
        case .scalar(let number):
            message.float(2, number)
        case .text(let text):
            message.message(8) { tensor in
                tensor.varint(1, Self.stringType)
                tensor.message(2) { _ in }
                tensor.string(8, text)
            }
            message.message(9) { metadata in metadata.message(1) { $0.string(1, Self.textPlugin) } }
        }
    }

    /// The value in `bytes`, or nil for a kind this module does not write (histograms, images, …).
    init?(decoding bytes: ArraySlice<UInt8>) throws {
        var reader = ProtobufReader(bytes)
        var tag = "", scalar: Float?, text: String?
        while let (number, field) = try reader.next() {
            switch (number, field) {
            case (1, .bytes(let name)): tag = String(decoding: name, as: UTF8.self)
            case (2, .fixed32(let bits)): scalar = Float(bitPattern: bits)
            case (8, .bytes(let tensor)):
                var tensorReader = ProtobufReader(tensor)
                while let (number, field) = try tensorReader.next() {
                    if number == 8, case .bytes(let string) = field { text = String(decoding: string, as: UTF8.self) }
                }
            default: continue
            }
        }
        guard let value: Value = scalar.map(Value.scalar) ?? text.map(Value.text) else { return nil }
        self.init(tag: tag, value: value)
    }
}
