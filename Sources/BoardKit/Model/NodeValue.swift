import Foundation
import Yams

extension Node {
    /// The node as a `YAMLValue`, so a nested block read from a file can be changed and written back.
    public var yamlValue: YAMLValue {
        switch self {
        case .scalar(let scalar):
            switch resolvedTag {
            case .null: return .null
            case .int: return int.map { .number(Double($0)) } ?? .string(scalar.string)
            case .float: return float.map(YAMLValue.number) ?? .string(scalar.string)
            case .bool: return bool.map(YAMLValue.bool) ?? .string(scalar.string)
            case .timestamp where isDate(scalar.string): return .date(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let seq): return .seq(seq.map(\.yamlValue))
        case .mapping(let map): return .map(map.map { YAMLPair($0.key.string ?? "\($0.key)", $0.value.yamlValue) })
        case .alias: return .null
        }
    }

    /// A number held by a scalar node; nil otherwise.
    public var numberValue: Double? {
        guard case .scalar = self else { return nil }
        switch resolvedTag {
        case .int: return int.map(Double.init)
        case .float: return float
        default: return nil
        }
    }
}
