import Foundation

/// A tab-separated annotation table with a header, as the image–text datasets ship them.
///
/// Columns are found by name, ignoring case and a leading `#n ` (TomBERT writes `#1 Label`):
/// `Label`, `String` (the text), `ImageID`, and optionally `index` or `id`. A repeated `String`
/// column is resolved by position, as in TomBERT's Twitter15 files: the first is the sentence
/// (holding `$T$`), the second the target that replaces it.
public struct TwitterTSV {
    /// The positions of the columns that matter.
    public struct Columns: Equatable {
        public let label: Int
        public let text: Int
        public let image: Int
        /// The target column (TomBERT), if any.
        public let target: Int?
        /// An `index` or `id` column, if any.
        public let id: Int?
    }

    /// The header's line number (1-based) and the resolved columns.
    public let headerLine: Int
    public let columns: Columns
    /// The data rows after the header.
    public let rows: [AnnotationFile.Row]

    /// Why a table cannot be used.
    public struct Problem: Error, Equatable {
        public let reason: String
    }

    /// Reads a parsed file whose first non-blank line is the header.
    public static func read(_ file: AnnotationFile) -> Result<TwitterTSV, Problem> {
        guard let header = file.rows.first else {
            return .failure(Problem(reason: "the file is empty (no header line)"))
        }
        let names = header.fields.map(normalizedName)
        func positions(_ wanted: Set<String>) -> [Int] {
            names.indices.filter { wanted.contains(names[$0]) }
        }
        let labels = positions(["label"])
        let texts = positions(["string", "text"])
        let images = positions(["imageid", "image_id", "image"])
        let ids = positions(["index", "id"])
        var missing: [String] = []
        if labels.isEmpty { missing.append("Label") }
        if texts.isEmpty { missing.append("String") }
        if images.isEmpty { missing.append("ImageID") }
        guard missing.isEmpty, let label = labels.first, let text = texts.first,
              let image = images.first else {
            let found = header.fields.map { "'\($0)'" }.joined(separator: ", ")
            return .failure(Problem(reason: "the header lacks "
                                    + missing.joined(separator: ", ") + " (found \(found))"))
        }
        let columns = Columns(label: label, text: text, image: image,
                              target: texts.count > 1 ? texts[1] : nil, id: ids.first)
        return .success(TwitterTSV(headerLine: header.line, columns: columns,
                                   rows: Array(file.rows.dropFirst())))
    }

    /// `#1 Label` → `label`.
    static func normalizedName(_ field: String) -> String {
        var name = Substring(field.trimmingCharacters(in: .whitespaces))
        if name.first == "#" {
            name = name.dropFirst().drop { $0.isNumber }.drop { $0 == " " }
        }
        return name.lowercased()
    }
}
