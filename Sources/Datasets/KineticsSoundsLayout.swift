import Foundation

/// The Kinetics-Sounds layout used by OGM-GE and AMSS.
///
/// ```
/// root/annotations/{train,valid,test}.csv          (or .txt; valid optional) either the AMSS
///                                                   CSV (header with label, youtube_id) or the
///                                                   OGM-GE list (id,frames,class_index)
/// root/{split}_wav/<id>.wav                         audio
/// root/{split}_img/Image-01-FPS/<id>/*.jpg          frames at 1 FPS
/// root/{split}_video/<id>.{mp4,mkv,webm,avi}        the clip's own video: its audio track when
///                                                   there is no WAV, its frames when there is no
///                                                   frame folder
/// ```
/// File stems equal the list's id verbatim.
public struct KineticsSoundsLayout: DatasetLayout {
    /// The splits in the order they are read; `valid` is optional.
    public static let splits = ["train", "valid", "test"]
    /// The video extensions tried, in order.
    public static let videoExtensions = ["mp4", "mkv", "webm", "avi"]

    public let name = "ks"
    public let modalities = ["audio", "visual"]
    /// What decides the class map.
    public let options: KineticsSoundsOptions

    /// Makes the layout.
    public init(options: KineticsSoundsOptions = KineticsSoundsOptions()) {
        self.options = options
    }

    public func scan(root: String) -> LayoutScan {
        var findings: [Finding] = []
        guard let base = DatasetRoot.open(root, findings: &findings) else {
            return LayoutScan(samples: [], findings: findings, classes: [])
        }
        let lists = readLists(in: base, findings: &findings)
        var names: [String]?
        let namesPath = options.classNamesFile ?? ""
        if let file = options.classNamesFile {
            names = base.readAnnotation(file, required: true, findings: &findings).map {
                AnnotationFile(data: $0, separator: "\u{0}")
            }?.rows.map {
                $0.fields[0].trimmingCharacters(in: .whitespaces)
            }
        }
        let map = KineticsSoundsClassMap(lists: lists, options: options, names: names,
                                         namesPath: namesPath, findings: &findings)

        var samples: [Sample] = []
        var seen: [String: String] = [:]
        for split in lists {
            let checker = KineticsSoundsChecker(root: base, split: split.split,
                                                annotation: split.relative)
            for problem in split.list.problems {
                findings.append(Finding(path: "\(split.relative):\(problem.line)", id: problem.id,
                                        code: problem.code, severity: .error,
                                        message: problem.reason))
            }
            for entry in split.list.entries {
                let label = map.indices[entry.label]
                if let sample = checker.check(entry, label: label, labelHint: hint(entry, map),
                                              seen: &seen, findings: &findings) {
                    samples.append(sample)
                }
            }
            if split.list.entries.isEmpty && split.list.problems.isEmpty {
                findings.append(Finding(path: split.relative, id: "", code: "empty-split",
                                        severity: split.split == "valid" ? .warning : .error,
                                        message: "the split list names no clips"))
            }
        }
        return LayoutScan(samples: samples, findings: findings, classes: map.classes)
    }

    /// Why an entry's label has no index.
    private func hint(_ entry: KineticsSoundsList.Entry, _ map: KineticsSoundsClassMap) -> String {
        switch entry.label {
        case .name(let name):
            return "class '\(name)' is not in the class map ("
                + (options.classNamesFile.map { "the names of \($0)" } ?? "the train list's")
                + ")"
        case .index(let index):
            let base = options.labelBase
            var text = "class index \(index + base) is out of range \(base)…"
                + "\(map.classes.count - 1 + base)"
            if base == 0, index == map.classes.count {
                text += "; if the list counts classes from 1, set `label_base` to 1"
            }
            return text
        }
    }

    /// The parsed list of every split that has one.
    private func readLists(in root: DatasetRoot,
                           findings: inout [Finding]) -> [KineticsSoundsClassMap.SplitList] {
        var lists: [KineticsSoundsClassMap.SplitList] = []
        for split in Self.splits {
            let candidates = ["csv", "txt"].map { "annotations/\(split).\($0)" }
            let relative = candidates.first { root.resolve($0) != .missing } ?? candidates[0]
            guard let data = root.readAnnotation(relative, required: split != "valid",
                                                 findings: &findings) else { continue }
            let file = AnnotationFile(data: data)
            switch KineticsSoundsList.parse(file, labelBase: options.labelBase) {
            case .failure(let problem):
                findings.append(Finding(path: relative, id: "", code: "bad-header",
                                        severity: .error, message: problem.reason))
            case .success(let list):
                lists.append(.init(split: split, relative: relative, list: list))
            }
        }
        return lists
    }
}
