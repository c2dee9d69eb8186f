import Foundation

/// A command line split into positional arguments, `--key value` options and `--flag`s.
///
/// Which names take a value is declared by the caller, so `--json` never swallows the next
/// positional argument.
public struct Arguments {
    /// The words that are not options, in order.
    public private(set) var positional: [String] = []
    /// The values of `--key value` (and `--key=value`) options, by key.
    public private(set) var options: [String: String] = [:]
    /// The flags given, without their dashes.
    public private(set) var flags: Set<String> = []

    /// Parses `words`; `valued` are the option names that take a value, `allowedFlags` the rest.
    public init(_ words: [String], valued: Set<String>, allowedFlags: Set<String>) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("--"), word.count > 2 else {
                positional.append(word)
                continue
            }
            var name = String(word.dropFirst(2))
            var inline: String?
            if let equals = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if valued.contains(name) {
                if let inline {
                    options[name] = inline
                } else if index < words.count {
                    options[name] = words[index]
                    index += 1
                } else {
                    throw UsageError("option --\(name) needs a value")
                }
            } else if allowedFlags.contains(name), inline == nil {
                flags.insert(name)
            } else {
                throw UsageError("unknown option --\(name)")
            }
        }
    }

    /// Whether `--name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of `--name` as an integer within `range`, or `fallback` when absent.
    public func integer(_ name: String, default fallback: Int,
                 in range: ClosedRange<Int> = 0...Int.max) throws -> Int {
        guard let text = options[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("--\(name) must be an integer in \(range.lowerBound)…"
                             + "\(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// The value of `--name` as a positive number, or `fallback` when absent.
    public func number(_ name: String, default fallback: Double) throws -> Double {
        guard let text = options[name] else { return fallback }
        guard let value = Double(text), value > 0, value.isFinite else {
            throw UsageError("--\(name) must be a positive number, got '\(text)'")
        }
        return value
    }
}

/// A mistake in how a command was called: exit code 2.
public struct UsageError: Error, CustomStringConvertible {
    /// What was wrong, with the usage text when it helps.
    public let description: String

    /// Makes a usage error with `message`.
    public init(_ message: String) { description = message }
}
