import Foundation

/// A header-less comma- or tab-separated annotation file, read leniently.
///
/// A UTF-8 byte-order mark is dropped, CRLF and LF line ends are both accepted, blank lines are
/// skipped, and invalid UTF-8 becomes U+FFFD instead of failing the whole file.
public struct AnnotationFile {
    /// One non-blank line: its 1-based number and its fields.
    public struct Row: Equatable {
        public let line: Int
        public let fields: [String]
    }

    /// The rows in file order.
    public let rows: [Row]

    /// Parses `data` with `separator`.
    public init(data: Data, separator: Character = ",") {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var rows: [Row] = []
        var number = 0
        for rawLine in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            var line = rawLine[...]
            if line.last == 0x0D { line = line.dropLast() }
            let text = String(decoding: line, as: UTF8.self)
            if text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = text.split(separator: separator, omittingEmptySubsequences: false)
                .map { String($0) }
            rows.append(Row(line: number, fields: fields))
        }
        self.rows = rows
    }
}
