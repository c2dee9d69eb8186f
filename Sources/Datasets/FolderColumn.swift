/// A column of an annotation table, named in a layout file by its header name or 0-based index.
public enum FolderColumn: Equatable, CustomStringConvertible {
    /// The column whose header is this name.
    case name(String)
    /// The column at this 0-based position.
    case index(Int)

    public var description: String {
        switch self {
        case .name(let name): return "'\(name)'"
        case .index(let index): return "\(index)"
        }
    }

    /// The column's position in `table` (read from `file`); a column it lacks is an error at
    /// `keyPath` of the layout file `layout`.
    ///
    /// Without a header an index is checked against the first row's field count; rows with
    /// fewer fields are reported one by one when scanning.
    func position(in table: DelimitedTable, file: String, layout: String,
                  keyPath: String) throws -> Int {
        switch position(in: table, file: file) {
        case .success(let position): return position
        case .failure(let missing):
            throw FolderLayoutError(file: layout, keyPath: keyPath, reason: missing.reason)
        }
    }

    /// Why a table has no such column.
    struct Missing: Error {
        let reason: String
    }

    private func position(in table: DelimitedTable, file: String) -> Result<Int, Missing> {
        switch self {
        case .name(let name):
            if let position = table.column(named: name) { return .success(position) }
            let known = table.columns.map { "'\($0)'" }.joined(separator: ", ")
            return .failure(Missing(reason: "no column '\(name)' in \(file) (columns: \(known))"))
        case .index(let index):
            let width = table.columns.isEmpty ? table.rows.first?.fields.count ?? 0
                : table.columns.count
            if index < width || (table.columns.isEmpty && table.rows.isEmpty) {
                return .success(index)
            }
            return .failure(Missing(reason: "column \(index) does not exist in \(file) "
                                    + "(\(width) columns, counted from 0)"))
        }
    }
}
