import Foundation

/// A dataset laid out as a layout file describes it (`amss validate|prep folder <root>
/// --layout FILE`): the tables are read, their columns checked against the file's keys, then
/// every row and the media it names.
public struct FolderLayout: DatasetLayout {
    /// The checked layout file.
    public let file: FolderLayoutFile

    public var name: String { file.name }
    public var modalities: [String] { file.modalities }

    /// Makes the layout of a checked layout file.
    public init(file: FolderLayoutFile) {
        self.file = file
    }

    /// One split's table with the positions of the columns the layout names.
    struct Table {
        let split: FolderLayoutFile.Split
        let table: DelimitedTable
        let id: Int
        let label: Int
        let group: Int?
        let text: Int?

        /// The number of fields a row needs.
        var width: Int {
            ([id, label] + [group, text].compactMap { $0 }).max().map { $0 + 1 } ?? 0
        }
    }

    public func scan(root: String) -> LayoutScan {
        var findings: [Finding] = []
        guard let base = DatasetRoot.open(root, findings: &findings) else {
            return LayoutScan(samples: [], findings: findings, classes: [])
        }

        var tables: [Table] = []
        var layoutErrors = 0
        for split in file.splits {
            guard let data = base.readAnnotation(split.file, required: true,
                                                 findings: &findings) else { continue }
            do {
                tables.append(try table(split, data: data))
            } catch let error as FolderLayoutError {
                findings.append(error.finding)
                layoutErrors += 1
            } catch let problem as DelimitedTable.Problem {
                findings.append(Finding(path: "\(split.file):\(problem.line)", id: "",
                                        code: "bad-table", severity: .error,
                                        message: problem.reason))
            } catch {
                findings.append(Finding(path: split.file, id: "", code: "bad-table",
                                        severity: .error, message: "\(error)"))
            }
        }

        let classes = self.classes(of: tables)
        if layoutErrors > 0 {
            // The layout file does not fit the tables: no media is opened until it does.
            return LayoutScan(samples: [], findings: findings, classes: classes)
        }
        var checker = FolderRowChecker(root: base, file: file, classes: classes)
        for table in tables {
            for row in table.table.rows {
                checker.check(row, of: table)
            }
            if table.table.rows.isEmpty {
                checker.findings.append(Finding(path: table.split.file, id: "",
                                                code: "empty-split", severity: .error,
                                                message: "the annotation file lists no rows"))
            }
        }
        findings += checker.findings + checker.groupOverlap()
        return LayoutScan(samples: checker.samples, findings: findings, classes: classes)
    }

    /// Parses one split's table and resolves its columns.
    private func table(_ split: FolderLayoutFile.Split, data: Data) throws -> Table {
        let table = try DelimitedTable(data: data, separator: split.separator,
                                       header: split.header)
        let prefix = "splits.\(split.name)."
        func position(_ column: FolderColumn, _ key: String) throws -> Int {
            try column.position(in: table, file: split.file, layout: file.path,
                                keyPath: key.contains(".") ? key : prefix + key)
        }
        return Table(split: split, table: table,
                     id: try position(split.idColumn, "id_column"),
                     label: try position(split.labelColumn, "label_column"),
                     group: try split.groupColumn.map { try position($0, "group_column") },
                     text: try file.textColumn.map { try position($0, "modalities.text.column") })
    }

    /// The class names: as listed, or the sorted labels of `train` (of every split without one).
    private func classes(of tables: [Table]) -> [String] {
        if case .listed(let names) = file.labels { return names }
        let train = tables.filter { $0.split.name == "train" }
        var names = Set<String>()
        for table in train.isEmpty ? tables : train {
            for row in table.table.rows where row.fields.count > table.label {
                let label = row.fields[table.label].trimmingCharacters(in: .whitespaces)
                if !label.isEmpty { names.insert(label) }
            }
        }
        return names.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}
