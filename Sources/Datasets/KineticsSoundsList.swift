import Foundation

/// One Kinetics-Sounds split list, in either of its two published forms.
///
/// - `named`: the AMSS annotation CSV, a header naming at least `label` and `youtube_id` (in
///   any order, other columns ignored), then one clip per row with the class name;
/// - `indexed`: the OGM-GE list, no header, `id,<frames>,<class index>` per row.
///
/// The id is kept verbatim (Kinetics ids start with `-` and contain `_`); only surrounding
/// blanks and one pair of surrounding double quotes are removed from a field.
public struct KineticsSoundsList: Equatable {
    /// Which form the file has.
    public enum Format: String, Equatable {
        case named
        case indexed
    }

    /// A row's class: a name (`named`) or a 0-based index (`indexed`).
    public enum Label: Equatable, Hashable {
        case name(String)
        case index(Int)
    }

    /// One usable row.
    public struct Entry: Equatable {
        /// The 1-based line number in the file.
        public let line: Int
        /// The clip id, verbatim: the stem of its media files.
        public let id: String
        /// The class.
        public let label: Label
    }

    /// One unusable row: its line, the id when one could be read, a code and the reason.
    public struct Problem: Equatable {
        public let line: Int
        public let id: String
        public let code: String
        public let reason: String
    }

    /// Why a file is neither form.
    public struct FormatError: Error, Equatable {
        public let reason: String
    }

    /// The form of the file.
    public let format: Format
    /// The usable rows in file order.
    public let entries: [Entry]
    /// The rows that could not be read.
    public let problems: [Problem]

    /// Parses `file`; `labelBase` is the index of the first class in an `indexed` list (0 for
    /// the OGM-GE lists; 1 for lists that count from 1), subtracted from every index.
    public static func parse(_ file: AnnotationFile,
                             labelBase: Int = 0) -> Result<KineticsSoundsList, FormatError> {
        guard let first = file.rows.first else {
            return .success(KineticsSoundsList(format: .indexed, entries: [], problems: []))
        }
        let header = first.fields.map { field($0).lowercased() }
        if let labelColumn = header.firstIndex(of: "label"),
           let idColumn = header.firstIndex(of: "youtube_id") {
            return .success(named(Array(file.rows.dropFirst()), label: labelColumn,
                                  id: idColumn))
        }
        if header.contains("label") || header.contains("youtube_id") {
            return .failure(FormatError(reason: "the header names only one of `label` and "
                                        + "`youtube_id`; both are needed"))
        }
        guard first.fields.count == 3, Int(field(first.fields[2])) != nil else {
            return .failure(FormatError(reason: "neither a header with `label` and `youtube_id` "
                                        + "nor an `id,frames,class_index` row: the first line "
                                        + "has \(first.fields.count) field(s)"))
        }
        return .success(indexed(file.rows, labelBase: labelBase))
    }

    /// Rows of the AMSS CSV after its header.
    private static func named(_ rows: [AnnotationFile.Row], label: Int,
                              id: Int) -> KineticsSoundsList {
        var entries: [Entry] = []
        var problems: [Problem] = []
        let needed = max(label, id) + 1
        for row in rows {
            guard row.fields.count >= needed else {
                problems.append(Problem(line: row.line, id: "", code: "bad-row", reason:
                    "expected at least \(needed) comma-separated fields, found "
                    + "\(row.fields.count)"))
                continue
            }
            let clip = field(row.fields[id])
            let name = field(row.fields[label])
            guard !name.isEmpty else {
                problems.append(Problem(line: row.line, id: clip, code: "bad-label",
                                        reason: "the label field is empty"))
                continue
            }
            entries.append(Entry(line: row.line, id: clip, label: .name(name)))
        }
        return KineticsSoundsList(format: .named, entries: entries, problems: problems)
    }

    /// Rows of an OGM-GE list.
    private static func indexed(_ rows: [AnnotationFile.Row],
                                labelBase: Int) -> KineticsSoundsList {
        var entries: [Entry] = []
        var problems: [Problem] = []
        for row in rows {
            let clip = row.fields.first.map(field) ?? ""
            guard row.fields.count == 3 else {
                problems.append(Problem(line: row.line, id: clip, code: "bad-row", reason:
                    "expected `id,frames,class_index`, found \(row.fields.count) field(s)"))
                continue
            }
            let text = field(row.fields[2])
            guard let index = Int(text) else {
                problems.append(Problem(line: row.line, id: clip, code: "bad-label",
                                        reason: "class index '\(text)' is not an integer"))
                continue
            }
            guard index >= labelBase else {
                problems.append(Problem(line: row.line, id: clip, code: "label-range", reason:
                    "class index \(index) is below the first class index \(labelBase)"))
                continue
            }
            entries.append(Entry(line: row.line, id: clip, label: .index(index - labelBase)))
        }
        return KineticsSoundsList(format: .indexed, entries: entries, problems: problems)
    }

    /// A field without surrounding blanks and one pair of surrounding double quotes.
    static func field(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }
}
