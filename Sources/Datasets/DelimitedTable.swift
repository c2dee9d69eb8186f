import Foundation

/// A comma- or tab-separated table with RFC 4180 quoting, optionally headed by column names.
///
/// A UTF-8 byte-order mark is dropped; LF, CRLF and lone CR line ends are accepted; blank lines
/// are skipped; a field that starts with `"` runs to the matching `"` (a doubled `""` is one
/// quote) and may hold separators and line breaks; invalid UTF-8 becomes U+FFFD.
public struct DelimitedTable: Equatable {
    /// One non-blank record: the 1-based line it starts on and its fields.
    public typealias Row = AnnotationFile.Row

    /// Why a table cannot be read.
    public struct Problem: Error, Equatable {
        /// The line the problem starts on.
        public let line: Int
        /// What is wrong.
        public let reason: String
    }

    /// The header's column names (trimmed), or empty without a header.
    public let columns: [String]
    /// The data rows, in file order.
    public let rows: [Row]

    /// Parses `data`; with `header`, the first non-blank record names the columns.
    public init(data: Data, separator: Character, header: Bool) throws {
        var records = try DelimitedTable.records(in: data, separator: separator)
        if header {
            guard let first = records.first else {
                throw Problem(line: 1, reason: "the file is empty (no header line)")
            }
            columns = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            records.removeFirst()
        } else {
            columns = []
        }
        rows = records
    }

    /// The index of the column called `name` (exact match first, then ignoring case), or nil.
    public func column(named name: String) -> Int? {
        columns.firstIndex(of: name)
            ?? columns.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The records of `data`, blank ones left out.
    static func records(in data: Data, separator: Character) throws -> [Row] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let separatorByte = separator.asciiValue else {
            throw Problem(line: 1, reason: "the separator must be an ASCII character")
        }

        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var quoted = false, wasQuoted = false
        var index = 0

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            let blank = fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces)
                .isEmpty
            if !blank { rows.append(Row(line: recordLine, fields: fields)) }
            fields.removeAll()
        }

        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == 0x22 {
                    if index < bytes.count, bytes[index] == 0x22 {
                        field.append(0x22)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == 0x0A || (byte == 0x0D && bytes[safe: index] != 0x0A) { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case 0x22 where field.allSatisfy({ $0 == 0x20 }) && !wasQuoted:
                field.removeAll()
                quoted = true
                wasQuoted = true
            case separatorByte:
                endField()
            case 0x0D where bytes[safe: index] == 0x0A:
                continue
            case 0x0A, 0x0D:
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(byte)
            }
        }
        if quoted {
            throw Problem(line: recordLine, reason: "a quoted field is never closed (a `\"` "
                          + "without its partner)")
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return rows
    }
}

extension Array where Element == UInt8 {
    /// The element at `index`, or nil past the end.
    fileprivate subscript(safe index: Int) -> UInt8? {
        indices.contains(index) ? self[index] : nil
    }
}
