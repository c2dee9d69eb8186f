import Foundation

/// How serious a finding is: errors make `validate` exit 1 and keep the sample out of the cache.
public enum Severity: String, Codable, Comparable {
    case warning
    case error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .warning && rhs == .error
    }
}

/// One problem in a dataset folder: where, which sample, a stable code and the reason.
public struct Finding: Codable, Equatable {
    /// The file or folder, relative to the dataset root when inside it.
    public let path: String
    /// The sample id concerned, verbatim, or empty for folder-wide findings.
    public let id: String
    /// A stable code, e.g. `missing`, `lfs-pointer`, `bad-name`, `label-mismatch`.
    public let code: String
    /// Error or warning.
    public let severity: Severity
    /// What was expected and what was found.
    public let message: String

    /// Makes a finding.
    public init(path: String, id: String, code: String, severity: Severity, message: String) {
        self.path = path
        self.id = id
        self.code = code
        self.severity = severity
        self.message = message
    }

    /// One human-readable line, with control characters escaped everywhere (path, id and the
    /// message, which may quote a label or a name from the annotations).
    public var line: String {
        let subject = id.isEmpty ? "" : " [\(Finding.escaped(id))]"
        return "\(severity.rawValue): \(Finding.escaped(path))\(subject): "
            + "\(Finding.escaped(message)) (\(code))"
    }

    /// `text` with control characters (and backslashes) written as escapes, so that a hostile
    /// file name cannot rewrite the terminal.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
                    out += String(format: "\\u{%04x}", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
