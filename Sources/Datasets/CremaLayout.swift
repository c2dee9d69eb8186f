import Foundation

/// The CREMA-D layout used by OGM-GE and AMSS.
///
/// ```
/// root/annotations/{train,test}.csv   (valid.csv optional; header-less `clip,EMOTION`)
/// root/AudioWAV/<clip>.wav
/// root/Image-01-FPS/<clip>/*.jpg      (or, when empty or missing, root/VideoFlash/<clip>.flv)
/// ```
public struct CremaLayout: DatasetLayout {
    /// Clips longer than this are not CREMA-D utterances (the corpus's clips last 1–5 s).
    public static let maxClipSeconds = 20.0
    /// The splits in the order they are read; `valid` is optional.
    public static let splits = ["train", "valid", "test"]

    public let name = "crema"
    public let modalities = ["audio", "visual"]

    /// Makes the layout.
    public init() {}

    public func scan(root: String) -> LayoutScan {
        var findings: [Finding] = []
        guard let base = DatasetRoot.open(root, findings: &findings) else {
            return LayoutScan(samples: [], findings: findings, classes: CremaClipName.emotions)
        }

        var samples: [Sample] = []
        var seen: [String: String] = [:]
        var actorsBySplit: [String: Set<Int>] = [:]
        for split in CremaLayout.splits {
            let relative = "annotations/\(split).csv"
            guard let rows = readAnnotations(relative, in: base, required: split != "valid",
                                             findings: &findings) else { continue }
            for row in rows.rows {
                if let id = row.fields.first,
                   case .success(let parsed) = CremaClipName.parse(id) {
                    actorsBySplit[split, default: []].insert(parsed.actor)
                }
                let checker = CremaSampleChecker(root: base, split: split, annotation: relative)
                if let sample = checker.check(row: row, seen: &seen, findings: &findings) {
                    samples.append(sample)
                }
            }
            if rows.rows.isEmpty {
                findings.append(Finding(path: relative, id: "", code: "empty-split",
                                        severity: split == "valid" ? .warning : .error,
                                        message: "the annotation file lists no clips"))
            }
        }

        let shared = (actorsBySplit["train"] ?? []).intersection(actorsBySplit["test"] ?? [])
        if !shared.isEmpty {
            let examples = shared.sorted().prefix(5).map(String.init).joined(separator: ", ")
            findings.append(Finding(
                path: "annotations/test.csv", id: "", code: "actor-overlap", severity: .warning,
                message: "\(shared.count) actors appear in both train and test (e.g. \(examples)); "
                    + "the standard split does this, so test accuracy is not speaker-independent"))
        }
        return LayoutScan(samples: samples, findings: findings, classes: CremaClipName.emotions)
    }

    /// Reads one annotation file; nil (with a finding when required) if it cannot be used.
    private func readAnnotations(_ relative: String, in root: DatasetRoot, required: Bool,
                                 findings: inout [Finding]) -> AnnotationFile? {
        root.readAnnotation(relative, required: required, findings: &findings)
            .map { AnnotationFile(data: $0) }
    }
}
