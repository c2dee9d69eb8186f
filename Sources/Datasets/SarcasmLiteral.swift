/// One line of the Sarcasm dataset's raw `text/*.txt` files: a Python list literal such as
/// `['682716753374351360', 'it \'s a "test"', 1]`.
///
/// Strings take single or double quotes with Python's escapes (`\\ \' \" \n \t \r \xhh \uhhhh
/// \Uhhhhhhhh`; any other backslash pair stays as written, as Python keeps it); integers may be
/// negative. Ids therefore stay strings exactly as written.
public enum SarcasmLiteral: Equatable {
    /// A string element.
    case string(String)
    /// An integer element.
    case integer(Int)

    /// Why a line is not a list literal.
    public struct Problem: Error, Equatable {
        /// What was expected, and where (0-based character offset).
        public let reason: String
    }

    /// The elements of the list literal `line`.
    public static func parseList(_ line: String) -> Result<[SarcasmLiteral], Problem> {
        var reader = Reader(scalars: Array(line.unicodeScalars))
        reader.skipSpaces()
        guard reader.take("[") else { return .failure(reader.problem("`[`")) }
        var elements: [SarcasmLiteral] = []
        reader.skipSpaces()
        if reader.take("]") {
            reader.skipSpaces()
            return reader.atEnd() ? .success([]) : .failure(reader.problem("the end of line"))
        }
        while true {
            reader.skipSpaces()
            guard let element = reader.element() else {
                return .failure(reader.problem("a quoted string or an integer"))
            }
            elements.append(element)
            reader.skipSpaces()
            if reader.take(",") {
                reader.skipSpaces()
                if reader.take("]") { break }
                continue
            }
            guard reader.take("]") else { return .failure(reader.problem("`,` or `]`")) }
            break
        }
        reader.skipSpaces()
        return reader.atEnd() ? .success(elements) : .failure(reader.problem("the end of line"))
    }

    /// A cursor over the scalars of one line.
    private struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0

        func problem(_ expected: String) -> Problem {
            Problem(reason: "expected \(expected) at character \(index)")
        }

        func atEnd() -> Bool { index == scalars.count }

        mutating func skipSpaces() {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t"
                    || scalars[index] == "\r" {
                index += 1
            }
        }

        mutating func take(_ scalar: Unicode.Scalar) -> Bool {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
            return true
        }

        mutating func element() -> SarcasmLiteral? {
            guard index < scalars.count else { return nil }
            let first = scalars[index]
            if first == "'" || first == "\"" { return string(quote: first) }
            var digits = ""
            if first == "-" || first == "+" {
                digits.unicodeScalars.append(first)
                index += 1
            }
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                digits.unicodeScalars.append(scalars[index])
                index += 1
            }
            return Int(digits).map { .integer($0) }
        }

        mutating func string(quote: Unicode.Scalar) -> SarcasmLiteral? {
            index += 1
            var text = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if scalar == quote { return .string(String(text)) }
                guard scalar == "\\", index < scalars.count else {
                    text.append(scalar)
                    continue
                }
                let escaped = scalars[index]
                index += 1
                switch escaped {
                case "\\", "'", "\"": text.append(escaped)
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                case "x", "u", "U":
                    let width = escaped == "x" ? 2 : escaped == "u" ? 4 : 8
                    guard let value = hex(width), let decoded = Unicode.Scalar(value) else {
                        return nil
                    }
                    text.append(decoded)
                default:
                    text.append("\\")
                    text.append(escaped)
                }
            }
            return nil
        }

        mutating func hex(_ width: Int) -> UInt32? {
            guard index + width <= scalars.count else { return nil }
            var value: UInt32 = 0
            for scalar in scalars[index..<(index + width)] {
                guard let digit = Character(scalar).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
            }
            index += width
            return value
        }
    }
}
