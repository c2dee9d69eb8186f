import Cache
import Foundation
import Media
import Pipeline

/// Writing to stdout and stderr, and one-line JSON for `--json`.
enum Output {
    /// `1 error`, `2 errors`: a count with its noun, plural unless the count is 1.
    static func count(_ value: Int, _ noun: String) -> String {
        "\(value) " + (value == 1 ? noun : noun + "s")
    }

    /// Prints a line to stdout.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints a line to stderr.
    static func error(_ text: String) {
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

    /// Prints the failure as the one JSON line of stdout when `--json` was given, so that
    /// callers parsing stdout always find an object.
    static func failureJSON(_ error: Error, when words: [String]) {
        guard words.contains("--json"), !words.starts(with: ["validate"]) else { return }
        let detail: Failure.Detail
        switch error {
        case let error as PipelineError:
            detail = .init(code: error.code, path: error.path, message: error.reason)
        case let error as CacheError:
            detail = .init(code: error.code, path: error.path, message: error.reason)
        case let error as MediaError:
            detail = .init(code: error.code, path: error.path, message: error.reason)
        case let error as UsageError:
            detail = .init(code: "usage", path: "", message: error.description)
        default:
            detail = .init(code: "failed", path: "", message: "\(error)")
        }
        try? json(Failure(error: detail))
    }

    /// Prints `value` as one line of JSON with sorted keys on stdout.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        line(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
