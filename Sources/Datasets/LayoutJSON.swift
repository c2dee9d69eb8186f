import Foundation

/// A JSON value read from a layout file, with the key path it was found at, so that every
/// mistake can be reported as `splits.train.label_column: …`.
struct LayoutJSON {
    /// The value itself.
    enum Value: Codable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([String: Value])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([Value].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: Value].self))
            }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .array(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            }
        }

        /// `string`, `number`, … for messages.
        var kindName: String {
            switch self {
            case .null: return "null"
            case .bool: return "a boolean"
            case .number: return "a number"
            case .string: return "a string"
            case .array: return "an array"
            case .object: return "an object"
            }
        }
    }

    let value: Value
    /// Where the value sits, e.g. `splits.train`; empty for the top level.
    let keyPath: String
    /// The layout file, for errors.
    let file: String

    /// An error at this value's key path.
    func error(_ reason: String) -> FolderLayoutError {
        FolderLayoutError(file: file, keyPath: keyPath, reason: reason)
    }

    /// The key path of member `key`.
    func path(of key: String) -> String { keyPath.isEmpty ? key : keyPath + "." + key }

    /// The members of an object, after checking that every key is one of `known` (an unknown
    /// key is an error naming the closest known key).
    func members(known: [String]) throws -> [String: LayoutJSON] {
        guard case .object(let members) = value else {
            throw error("expected an object, found \(value.kindName)")
        }
        for key in members.keys.sorted() where !known.contains(key) {
            let hint = LayoutJSON.closest(to: key, in: known).map { "; did you mean '\($0)'?" }
                ?? " (known keys: \(known.joined(separator: ", ")))"
            throw FolderLayoutError(file: file, keyPath: path(of: key),
                                    reason: "unknown key '\(key)'\(hint)")
        }
        var result: [String: LayoutJSON] = [:]
        for (key, member) in members {
            result[key] = LayoutJSON(value: member, keyPath: path(of: key), file: file)
        }
        return result
    }

    /// The elements of an array.
    func elements() throws -> [LayoutJSON] {
        guard case .array(let items) = value else {
            throw error("expected an array, found \(value.kindName)")
        }
        return items.enumerated().map { index, item in
            LayoutJSON(value: item, keyPath: "\(keyPath)[\(index)]", file: file)
        }
    }

    /// The value as a string.
    func string() throws -> String {
        guard case .string(let text) = value else {
            throw error("expected a string, found \(value.kindName)")
        }
        return text
    }

    /// The value as a boolean.
    func bool() throws -> Bool {
        guard case .bool(let flag) = value else {
            throw error("expected true or false, found \(value.kindName)")
        }
        return flag
    }

    /// A column reference: a non-empty header name or a 0-based integer index.
    func column(header: Bool) throws -> FolderColumn {
        switch value {
        case .string(let name) where !name.isEmpty:
            guard header else {
                throw error("the column '\(name)' is named, but the file has no header "
                            + "(`header: false`): give its 0-based index")
            }
            return .name(name)
        case .number(let number):
            guard number >= 0, number < 1_000_000, number.rounded() == number else {
                throw error("a column index must be a whole number ≥ 0, found \(number)")
            }
            return .index(Int(number))
        default:
            throw error("expected a column name or a 0-based index, found \(value.kindName)")
        }
    }

    /// The known word nearest to `word` by edit distance, when it is close enough to be a typo.
    static func closest(to word: String, in known: [String]) -> String? {
        let scored = known.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, best.count / 3) else {
            return nil
        }
        return best
    }

    /// Levenshtein distance over Unicode scalars.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let left = Array(a.unicodeScalars), right = Array(b.unicodeScalars)
        if left.isEmpty { return right.count }
        var previous = Array(0...right.count)
        for (i, x) in left.enumerated() {
            var current = [i + 1]
            for (j, y) in right.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1,
                                   previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[right.count]
    }
}
