import Foundation

/// Writing to stdout and stderr, and one-line JSON for `--json`.
public enum Output {
    /// `1 error`, `2 errors`: a count with its noun, plural unless the count is 1.
    public static func count(_ value: Int, _ noun: String) -> String {
        "\(value) " + (value == 1 ? noun : noun + "s")
    }

    /// Prints a line to stdout.
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints a line to stderr.
    public static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A failed command's `--json` line: `{"ok": false, "error": {code, path, message}}`.
    struct Failure: Encodable {
        struct Detail: Encodable {
            let code: String
            let path: String
            let message: String
        }

        let ok = false
        let error: Detail
    }

    /// Prints the failure as the one JSON line of stdout when `--json` is among `words` (and
    /// the command is not `validate`, whose report is its JSON), so that callers parsing stdout
    /// always find an object.
    public static func failureJSON(code: String, path: String, message: String,
                                   when words: [String]) {
        guard words.contains("--json"), !words.starts(with: ["validate"]) else { return }
        try? json(Failure(error: .init(code: code, path: path, message: message)))
    }

    /// Prints `value` as one line of JSON with sorted keys on stdout.
    public static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        line(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
