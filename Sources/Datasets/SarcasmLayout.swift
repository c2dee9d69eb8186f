import Foundation

/// The multimodal Sarcasm (Twitter) layout used by the AMSS image–text code.
///
/// ```
/// root/annotations/{train,valid,test}_data.tsv   (or {train,test}.tsv; header with Label,
///                                                  String, ImageID; tab-separated)
/// root/text/{train,valid,test}.txt               (or the raw form: one Python list literal
///                                                  per line, ['id', 'text', label]; valid2.txt
///                                                  and test2.txt are preferred when present)
/// root/sarcasm/images/<ImageID>                  (raw form: <id>.jpg)
/// ```
/// Labels: 0 not sarcastic, 1 sarcastic. The annotation tables win when both forms exist.
public struct SarcasmLayout: DatasetLayout {
    /// The classes in index order.
    public static let classes = ["not-sarcastic", "sarcastic"]
    /// The images folder, relative to the root.
    public static let images = "sarcasm/images"

    public let name = "sarcasm"
    public let modalities = ["text", "image"]

    /// Makes the layout.
    public init() {}

    public func scan(root: String) -> LayoutScan { scanTextImage(root: root).layoutScan }

    /// Lists the samples, with their texts, and every problem, without decoding images.
    public func scanTextImage(root: String) -> SarcasmTwitterScan {
        guard let base = DatasetRoot(path: root) else {
            return SarcasmTwitterScan(samples: [], findings: [Twitter15Layout.rootFinding(root)],
                                      classes: Self.classes, missingImages: [:])
        }
        var findings: [Finding] = []
        let tables = TwitterAnnotations.files(in: base)
        if !tables.isEmpty {
            let checkers = TwitterAnnotations.scan(root: base, files: tables,
                                                   images: Self.images, classes: Self.classes,
                                                   findings: &findings)
            return TwitterAnnotations.result(checkers, findings: findings, classes: Self.classes)
        }

        let raw = rawFiles(in: base)
        guard !raw.isEmpty else {
            findings.append(Finding(path: "annotations", id: "", code: "missing",
                                    severity: .error, message: "no annotations found (expected "
                                        + "annotations/train_data.tsv, train.tsv, or "
                                        + "text/train.txt)"))
            return TwitterAnnotations.result([], findings: findings, classes: Self.classes)
        }
        var checkers: [SarcasmTwitterChecker] = []
        for (split, relative) in raw {
            guard let file = TwitterAnnotations.read(relative, in: base, separator: "\u{0}",
                                                     findings: &findings) else { continue }
            var checker = SarcasmTwitterChecker(root: base, split: split, images: Self.images,
                                                classes: Self.classes)
            for row in file.rows {
                addLiteral(row, path: relative, to: &checker)
            }
            checker.finish(annotation: relative)
            checkers.append(checker)
        }
        return TwitterAnnotations.result(checkers, findings: findings, classes: Self.classes)
    }

    /// `text/<split>2.txt` or `text/<split>.txt` for each split that has one.
    private func rawFiles(in root: DatasetRoot) -> [(split: String, relative: String)] {
        TwitterAnnotations.splits.compactMap { split, names in
            let candidates = names.flatMap { ["text/\($0)2.txt", "text/\($0).txt"] }
            return candidates.first { root.resolve($0) != .missing }.map { (split, $0) }
        }
    }

    /// One `['id', 'text', label]` line.
    private func addLiteral(_ row: AnnotationFile.Row, path: String,
                            to checker: inout SarcasmTwitterChecker) {
        let rowPath = "\(path):\(row.line)"
        let line = row.fields.joined(separator: "\u{0}")
        switch SarcasmLiteral.parseList(line) {
        case .failure(let problem):
            checker.findings.append(Finding(path: rowPath, id: "", code: "bad-row",
                                            severity: .error, message: "not a Python list "
                                                + "literal: " + problem.reason))
        case .success(let elements):
            guard elements.count >= 3, case .string(let text) = elements[1] else {
                checker.findings.append(Finding(path: rowPath, id: "", code: "bad-row",
                                                severity: .error, message: "expected "
                                                    + "['id', 'text', label], found "
                                                    + "\(elements.count) element(s)"))
                return
            }
            let id: String
            switch elements[0] {
            case .string(let value): id = value
            case .integer(let value): id = String(value)
            }
            let label: String
            switch elements[2] {
            case .integer(let value): label = String(value)
            case .string(let value): label = value
            }
            checker.add(rowPath: rowPath, id: id, label: label, text: text, image: id + ".jpg")
        }
    }
}
