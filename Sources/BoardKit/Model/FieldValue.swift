import Foundation
import Yams

/// A top-level front-matter value. The flat reader's forms hold plain Swift strings, so reading
/// them allocates no Yams nodes or tags; anything else (nested maps, block scalars) is a Yams node.
/// `@unchecked Sendable` for the same reason as `FrontMatterDocument`.
public enum FieldValue: @unchecked Sendable {
    /// An untagged plain scalar, typed on demand like `Node.resolvedTag` does.
    case plain(String)
    /// A quoted scalar without escapes (always a string).
    case quoted(String, double: Bool)
    /// A flow (`[a, b]`) or block (`- a`) list of plain or quoted scalars.
    case list([FieldValue], flow: Bool)
    /// Anything else, as Yams read it. Boxed: a node takes several words, the other cases three,
    /// and 10,000 items hold about 13 values each.
    indirect case node(Node)

    /// The value as the Yams node the flat reader used to build.
    public var node: Node {
        switch self {
        case .plain(let s): return FlatFrontMatter.plainNode(s)
        case .quoted(let s, let double):
            return .scalar(Node.Scalar(s, FlatFrontMatter.tag(.str), double ? .doubleQuoted : .singleQuoted))
        case .list(let items, let flow):
            return .sequence(Node.Sequence(items.map(\.node), FlatFrontMatter.tag(.implicit), flow ? .flow : .block))
        case .node(let node): return node
        }
    }

    static func isNull(plain s: String) -> Bool {
        // Only text starting `~`, `n` or `N` (or none) can be null: most values skip the comparisons.
        guard let first = s.utf8.first else { return true }
        if s.utf8.count > 4 || !(first == UInt8(ascii: "~") || first == UInt8(ascii: "n") || first == UInt8(ascii: "N")) { return false }
        switch s {
        case "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// A scalar as text; nil when null or not a scalar (as `Record.string`).
    var string: String? {
        switch self {
        case .plain(let s): return Self.isNull(plain: s) ? nil : s
        case .quoted(let s, _): return s
        case .list: return nil
        case .node(let node):
            guard case .scalar(let s) = node, node.resolvedTag != .null else { return nil }
            return s.string
        }
    }

    /// The scalar's text whatever its type (as `Node.scalar?.string`).
    var scalarText: String? {
        switch self {
        case .plain(let s), .quoted(let s, _): return s
        case .list: return nil
        case .node(let node): return node.scalar?.string
        }
    }

    var number: Double? {
        switch self {
        case .plain(let s):
            if let n = Self.decimalDigits(s) { return Double(n) }
            switch Node.classify(plain: s) {
            case .int, .float: return Node.number(plainText: s)
            default: return nil
            }
        case .quoted, .list: return nil
        case .node(let node): return node.number
        }
    }

    /// The value of 1 to 15 decimal digits (most points and ranks), which YAML reads as that integer
    /// and a Double holds exactly; nil for any other text.
    static func decimalDigits(_ s: some StringProtocol) -> Int? {
        func read(_ bytes: some Collection<UInt8>) -> Int? {
            guard (1...15).contains(bytes.count) else { return nil }
            var n = 0
            for b in bytes {
                guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int(b - UInt8(ascii: "0"))
            }
            return n
        }
        return s.utf8.withContiguousStorageIfAvailable(read) ?? read(s.utf8)
    }

    var isSequence: Bool {
        switch self {
        case .list: return true
        case .plain, .quoted: return false
        case .node(let node): if case .sequence = node { return true } else { return false }
        }
    }

    /// A list of scalars; a single scalar counts as a one-element list.
    var strings: [String] {
        switch self {
        case .plain(let s): return Self.isNull(plain: s) ? [] : [s]
        case .quoted(let s, _): return s.isEmpty ? [] : [s]
        case .list(let items, _): return items.compactMap(\.scalarText)
        case .node(let node):
            switch node {
            case .sequence(let seq): return seq.compactMap { $0.scalar?.string }
            case .scalar(let s): return node.resolvedTag == .null || s.string.isEmpty ? [] : [s.string]
            default: return []
            }
        }
    }

    /// The value as a plain Swift value for JSON (as `Node.plainValue`).
    var plainValue: Any {
        switch self {
        case .plain(let s): return Node.plainValue(plainText: s)
        case .quoted(let s, _): return s
        case .list(let items, _): return items.map(\.plainValue)
        case .node(let node): return node.plainValue
        }
    }
}

extension Node {
    /// The value on one line for people (`board show`): a list as `a, b`, a nested mapping as
    /// `{key: value, ...}` in the file's order.
    public var displayText: String { Self.display(self, nested: false) }

    private static func display(_ node: Node, nested: Bool) -> String {
        switch node {
        case .mapping(let map):
            return "{" + map.map { "\(display($0.key, nested: true)): \(display($0.value, nested: true))" }.joined(separator: ", ") + "}"
        case .sequence(let seq):
            let list = seq.map { display($0, nested: true) }.joined(separator: ", ")
            return nested ? "[" + list + "]" : list
        default:
            switch node.plainValue {
            case let number as Double: return number.compact
            case is NSNull: return ""
            case let value: return "\(value)"
            }
        }
    }
}
