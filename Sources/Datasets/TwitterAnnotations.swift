import Foundation

/// Finds and reads the tab-separated annotation tables of the image–text layouts.
///
/// Per split, the first of `annotations/<name>_data.tsv`, `<name>_data.csv`, `<name>.tsv`,
/// `<name>.csv` that exists is read, with `<name>` `train`; `valid`, `dev` or `val`; `test`.
/// (The seed README names them `{train,valid,test}_data.csv|tsv`, the reference code reads
/// `{train,test}.tsv`, TomBERT ships `{train,dev,test}.tsv`.) Whatever the extension, fields are
/// separated by tabs.
enum TwitterAnnotations {
    /// The splits and the file names that stand for them.
    static let splits: [(split: String, names: [String])] = [
        ("train", ["train"]), ("valid", ["valid", "dev", "val"]), ("test", ["test"]),
    ]

    /// The annotation file of each split found under `annotations/` (the first candidate).
    static func files(in root: DatasetRoot) -> [(split: String, relative: String)] {
        var found: [(split: String, relative: String)] = []
        for (split, names) in splits {
            let candidates = names.flatMap { name in
                ["\(name)_data.tsv", "\(name)_data.csv", "\(name).tsv", "\(name).csv"]
                    .map { "annotations/" + $0 }
            }
            if let first = candidates.first(where: { root.resolve($0) != .missing }) {
                found.append((split, first))
            }
        }
        return found
    }

    /// Reads every split table into `checker`s; returns the checkers in split order.
    static func scan(root: DatasetRoot, files: [(split: String, relative: String)],
                     images: String, classes: [String],
                     findings: inout [Finding]) -> [SarcasmTwitterChecker] {
        var checkers: [SarcasmTwitterChecker] = []
        for (split, relative) in files {
            guard let file = read(relative, in: root, findings: &findings) else { continue }
            let table: TwitterTSV
            switch TwitterTSV.read(file) {
            case .failure(let problem):
                findings.append(Finding(path: relative, id: "", code: "bad-header",
                                        severity: .error, message: problem.reason))
                continue
            case .success(let parsed):
                table = parsed
            }
            var checker = SarcasmTwitterChecker(root: root, split: split, images: images,
                                                classes: classes)
            let columns = table.columns
            let needed = [columns.label, columns.text, columns.image, columns.target ?? 0,
                          columns.id ?? 0].max() ?? 0
            for row in table.rows {
                let rowPath = "\(relative):\(row.line)"
                guard row.fields.count > needed else {
                    checker.findings.append(Finding(
                        path: rowPath, id: row.fields.first ?? "", code: "bad-row",
                        severity: .error, message: "expected at least \(needed + 1) tab-separated"
                            + " fields, found \(row.fields.count)"))
                    continue
                }
                var text = row.fields[columns.text]
                if let target = columns.target {
                    if text.contains("$T$") {
                        text = text.replacingOccurrences(of: "$T$", with: row.fields[target])
                    } else {
                        checker.findings.append(Finding(
                            path: rowPath, id: "", code: "no-target-marker", severity: .warning,
                            message: "the sentence has no $T$ for the target '"
                                + row.fields[target] + "'; used as it is"))
                    }
                }
                checker.add(rowPath: rowPath, id: columns.id.map { row.fields[$0] },
                            label: row.fields[columns.label], text: text,
                            image: row.fields[columns.image])
            }
            checker.finish(annotation: relative)
            checkers.append(checker)
        }
        return checkers
    }

    /// Reads one annotation file (tab-separated); nil after a finding when it cannot be used.
    static func read(_ relative: String, in root: DatasetRoot, separator: Character = "\t",
                     findings: inout [Finding]) -> AnnotationFile? {
        root.readAnnotation(relative, required: true, findings: &findings)
            .map { AnnotationFile(data: $0, separator: separator) }
    }

    /// The combined scan of some checkers.
    static func result(_ checkers: [SarcasmTwitterChecker], findings: [Finding],
                       classes: [String]) -> SarcasmTwitterScan {
        SarcasmTwitterScan(samples: checkers.flatMap(\.samples),
                           findings: findings + checkers.flatMap(\.findings), classes: classes,
                           missingImages: Dictionary(checkers.map { ($0.split, $0.missingImages) },
                                                     uniquingKeysWith: +))
    }
}
