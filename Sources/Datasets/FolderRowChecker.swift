import Foundation

/// Checks the rows of a layout-file dataset and the media each row names.
///
/// A row is kept only when its id is a plain file name seen for the first time, its label is a
/// class, and every modality's source passes `MediaFileChecker`; every problem is a finding.
struct FolderRowChecker {
    let root: DatasetRoot
    let file: FolderLayoutFile
    let classes: [String]
    private(set) var samples: [Sample] = []
    var findings: [Finding] = []
    /// Where each id was first listed (`file:line`).
    private var seen: [String: String] = [:]
    /// The group values per split, for the overlap warning.
    private var groups: [String: Set<String>] = [:]
    private var media: MediaFileChecker { MediaFileChecker(root: root) }

    init(root: DatasetRoot, file: FolderLayoutFile, classes: [String]) {
        self.root = root
        self.file = file
        self.classes = classes
    }

    /// Checks one row of `table`, keeping its sample when it has no error.
    mutating func check(_ row: AnnotationFile.Row, of table: FolderLayout.Table) {
        let split = table.split.name
        let rowPath = "\(table.split.file):\(row.line)"
        guard row.fields.count >= table.width else {
            let id = row.fields.indices.contains(table.id) ? row.fields[table.id] : ""
            findings.append(error(rowPath, id, "bad-row", "expected at least \(table.width) "
                                  + "fields, found \(row.fields.count)"))
            return
        }
        let id = row.fields[table.id].trimmingCharacters(in: .whitespaces)
        let label = row.fields[table.label].trimmingCharacters(in: .whitespaces)

        // LIMITATION: an id must be a plain file name, so ids such as `spk1/utt3` are refused —
        // the id fills path patterns, and a `/` in it could reach any file under the root; put
        // the subfolder into the pattern instead (`wav/{label}/{id}.wav`).
        guard DatasetRoot.isPlainFileName(id) else {
            findings.append(error(rowPath, id, "unsafe-id", "the id is not a plain file name "
                                  + "(empty, `.`/`..`, or contains `/`, `\\` or a control "
                                  + "character); no file is opened for it"))
            return
        }
        if let first = seen[id] {
            findings.append(error(rowPath, id, "duplicate-id", "already listed at \(first); "
                                  + "the first occurrence is kept"))
            return
        }
        seen[id] = rowPath
        guard let index = classes.firstIndex(of: label) else {
            let known = classes.prefix(20).joined(separator: ", ")
            let origin = file.labels == .sorted ? "the labels of the train split" : "labels"
            findings.append(error(rowPath, id, "unknown-label", "label '\(label)' is not one of "
                                  + "\(origin): \(known)\(classes.count > 20 ? ", …" : "")"))
            return
        }
        if file.sources.values.contains(where: \.usesLabel), !DatasetRoot.isPlainFileName(label) {
            findings.append(error(rowPath, id, "unsafe-id", "the label '\(label)' fills {label} "
                                  + "in a path but is not a plain file name"))
            return
        }
        if let group = table.group {
            let value = row.fields[group].trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { groups[split, default: []].insert(value) }
        }

        var problems: [Finding] = []
        var sources: [String: String] = [:]
        func path(_ key: String) -> String? {
            file.sources[key]?.path(id: id, split: split, label: label)
        }
        if let audio = path("audio") {
            sources["audio"] = media.checkAudio(audio, id: id, acceptContainers: true,
                                                problems: &problems)?.path
        }
        if let visual = checkVisual(frames: path("frames"), video: path("video"), id: id,
                                    problems: &problems) {
            sources[visual.key] = visual.path
        }
        if let image = path("image") {
            sources["image"] = media.checkImage(image, id: id, allowAnimated: true,
                                                problems: &problems)
        }
        var texts: [String: String] = [:]
        if let column = table.text {
            texts["text"] = row.fields[column]
            if row.fields[column].trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(Finding(path: rowPath, id: id, code: "empty-text",
                                        severity: .warning, message: "the text column is empty"))
            }
        }
        findings += problems
        guard !problems.contains(where: { $0.severity == .error }) else { return }
        samples.append(Sample(id: id, split: split, label: index, sources: sources,
                              texts: texts))
    }

    /// The frame folder when it holds images, else the video when the layout names one.
    private func checkVisual(frames: String?, video: String?, id: String,
                             problems: inout [Finding]) -> (key: String, path: String)? {
        if let frames {
            switch media.checkFrameFolder(frames, id: id, problems: &problems) {
            case .usable(let path): return ("frames", path)
            case .rejected: return nil
            case .noImages:
                guard video != nil else {
                    let exists = root.resolve(frames) != .missing
                    problems.append(error(frames, id, exists ? "no-frames" : "missing", exists
                                          ? "the frame folder holds no JPEG or PNG image"
                                          : "the frame folder does not exist"))
                    return nil
                }
                if let video, root.resolve(video) == .missing {
                    problems.append(error(frames, id, "no-frames", "no images in \(frames)/ and "
                                          + "no \(video) to decode frames from"))
                    return nil
                }
            }
        }
        guard let video else { return nil }
        return media.checkVideo(video, id: id, problems: &problems).map { ("video", $0) }
    }

    /// A warning when a group (e.g. a speaker) appears in more than one split.
    func groupOverlap() -> [Finding] {
        let names = FolderLayoutFile.splitNames.filter { groups[$0] != nil }
        var out: [Finding] = []
        for (offset, first) in names.enumerated() {
            for second in names.dropFirst(offset + 1) {
                let shared = (groups[first] ?? []).intersection(groups[second] ?? [])
                guard !shared.isEmpty,
                      let table = file.splits.first(where: { $0.name == second }) else {
                    continue
                }
                let examples = shared.sorted().prefix(5).map { "'\($0)'" }
                    .joined(separator: ", ")
                out.append(Finding(path: table.file, id: "", code: "group-overlap",
                                   severity: .warning, message: "\(shared.count) group(s) appear "
                                       + "in both \(first) and \(second) (e.g. \(examples)): "
                                       + "\(second) accuracy is not independent of them"))
            }
        }
        return out
    }

    private func error(_ path: String, _ id: String, _ code: String, _ message: String) -> Finding {
        Finding(path: path, id: id, code: code, severity: .error, message: message)
    }
}
