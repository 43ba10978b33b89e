import Foundation
import Yams

/// A configuration tree as an experiment spec writes it (YAML mappings, lists and scalars), or as a
/// `TrainingConfig` encodes to JSON. Fields are addressed by dotted paths such as `model.width`.
///
/// `Codable` as plain JSON, which is how a tree becomes a `TrainingConfig` and back. A `Sendable` value.
public indirect enum ConfigValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case object([String: ConfigValue])
    case list([ConfigValue])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    /// Converts a composed YAML node: mappings with string keys, sequences, and scalars resolved by YAML's core
    /// schema (`0.1` a number, `true` a boolean, `~` null, anything else text). `path` names the node in errors.
    /// Refuses a field given twice in one mapping and a number that is not finite (`.nan`, `.inf`).
    init(yaml node: Node, path: String, file: String) throws(SpecError) {
        if let mapping = node.mapping {
            var fields: [String: ConfigValue] = [:]
            for (key, value) in mapping {
                guard let name = key.scalar?.string, key.tag.description == Tag.Name.str.rawValue else {
                    throw SpecError(file: file, path: path, expected: "field names that are text, not \(key)")
                }
                guard fields[name] == nil else {   // YAML forbids it; Yams keeps both and a dictionary the last
                    throw SpecError(file: file, location: Self.join(path, name),
                                    problem: "given twice (line \(key.mark?.line ?? 0)); give each field once")
                }
                fields[name] = try ConfigValue(yaml: value, path: Self.join(path, name), file: file)
            }
            self = .object(fields)
        } else if let sequence = node.sequence {
            var items: [ConfigValue] = []
            for (i, item) in sequence.enumerated() {
                items.append(try ConfigValue(yaml: item, path: "\(path)[\(i)]", file: file))
            }
            self = .list(items)
        } else if let scalar = node.scalar {
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: self = .null
            case .bool: self = Bool.construct(from: scalar).map(ConfigValue.bool) ?? .string(scalar.string)
            case .int: self = Int.construct(from: scalar).map(ConfigValue.int) ?? .string(scalar.string)
            case .float:
                guard let number = Double.construct(from: scalar) else { self = .string(scalar.string); break }
                guard number.isFinite else {
                    throw SpecError(file: file, path: path, expected: "a finite number; found \(scalar.string)")
                }
                self = .double(number)
            default: self = .string(scalar.string)
            }
        } else {
            throw SpecError(file: file, path: path,
                            expected: "a mapping, a list or a value (YAML aliases are not supported)")
        }
    }

    /// `parent.child`, or `child` at the root.
    static func join(_ parent: String, _ child: String) -> String { parent.isEmpty ? child : "\(parent).\(child)" }

    // MARK: - Paths

    /// The value at `path` (dotted field names), or nil when a field on the way is missing or not a mapping.
    public func value(at path: String) -> ConfigValue? {
        path.split(separator: ".").reduce(Optional(self)) { node, key in
            if case .object(let fields)? = node { fields[String(key)] } else { nil }
        }
    }

    /// A copy with `value` at `path`, creating the mappings on the way (replacing whatever is not a mapping).
    public func setting(_ value: ConfigValue, at path: String) -> ConfigValue {
        setting(value, at: path.split(separator: ".").map(String.init)[...])
    }

    private func setting(_ value: ConfigValue, at keys: ArraySlice<String>) -> ConfigValue {
        guard let key = keys.first else { return value }
        var fields = if case .object(let f) = self { f } else { [String: ConfigValue]() }
        fields[key] = (fields[key] ?? .object([:])).setting(value, at: keys.dropFirst())
        return .object(fields)
    }

    /// `overlay` merged over this tree: mappings merge field by field, anything else (and every field named in
    /// `atomic`, such as `budget`, whose alternatives must not mix) is replaced whole.
    public func merging(_ overlay: ConfigValue, atomic: Set<String> = [], at path: String = "") -> ConfigValue {
        guard case .object(let base) = self, case .object(let top) = overlay, !atomic.contains(path) else {
            return overlay
        }
        return .object(base.merging(top.map { key, value in
            (key, base[key].map { $0.merging(value, atomic: atomic, at: Self.join(path, key)) } ?? value)
        }) { _, new in new })
    }

    /// Every dotted path of a leaf or mapping in the tree, parents before children.
    var paths: [String] {
        guard case .object(let fields) = self else { return [] }
        return fields.keys.sorted().flatMap { key in [key] + fields[key]!.paths.map { "\(key).\($0)" } }
    }

    /// Every leaf (a value that is neither a mapping nor a list) by path, named as SQLite's `json_tree` names it
    /// (`model.width`, `stages[0]`), as text as reports read it from a stored configuration
    /// (`RunConfiguration.settings`): numbers in shortest round-trip form, `true`, `false`, `null`.
    var leaves: [String: String] {
        func leaves(_ node: ConfigValue, at path: String) -> [(String, String)] {
            switch node {
            case .object(let fields): fields.flatMap { leaves($1, at: Self.join(path, $0)) }
            case .list(let items): items.enumerated().flatMap { leaves($1, at: "\(path)[\($0)]") }
            case .string(let s): [(path, s)]
            case .int(let i): [(path, String(i))]
            case .double(let d): [(path, String(d))]
            case .bool(let b): [(path, String(b))]
            case .null: [(path, "null")]
            }
        }
        return Dictionary(uniqueKeysWithValues: leaves(self, at: ""))
    }

    // MARK: - Text

    /// Compact text for run names and tables: `0.125`, `inception-v4`, `0.1,0.1,0.1` for a mapping `{a, b, c}`
    /// (values in key order), `steps300` for `{steps: 300}`.
    public var description: String {
        switch self {
        case .object(let fields):
            let values = fields.keys.sorted().map { fields[$0]! }
            return fields.count == 1 ? fields.keys.first! + values[0].description
                : values.map(\.description).joined(separator: ",")
        case .list(let items): return items.map(\.description).joined(separator: ",")
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        }
    }

    /// What kind of value this is, for error messages: `a mapping`, `a list`, `text 'abc'`, `the number 3`….
    var kindDescription: String {
        switch self {
        case .object: "a mapping"
        case .list: "a list"
        case .string(let s): "text '\(s)'"
        case .int, .double: "the number \(description)"
        case .bool(let b): "\(b)"
        case .null: "nothing (null)"
        }
    }

    // MARK: - Codable (plain JSON)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let l = try? c.decode([ConfigValue].self) { self = .list(l) }
        else { self = .object(try c.decode([String: ConfigValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .object(let fields): try c.encode(fields)
        case .list(let items): try c.encode(items)
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        }
    }

    /// The tree of an encodable value (a `TrainingConfig`, say).
    static func encoding(_ value: some Encodable) -> ConfigValue {
        try! JSONDecoder().decode(ConfigValue.self, from: JSONEncoder().encode(value))
    }
}
