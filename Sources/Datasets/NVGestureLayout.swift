import Foundation

/// One NVGesture sample: the shared sample record plus each sensor's frame range.
public struct NVGestureSample: Equatable {
    /// Id, split, label and sources (`rgb`, `depth`, and `flow` when a flow file exists).
    public let sample: Sample
    /// The frame range `[start, end)` per source key (`rgb`, `depth`).
    public let ranges: [String: Range<Int>]
    /// The 0-based position of the line in its list (its flow file's name).
    public let position: Int
}

/// What scanning an NVGesture folder found.
public struct NVGestureScan {
    /// Usable samples in list order per split.
    public let samples: [NVGestureSample]
    /// Every problem.
    public let findings: [Finding]
    /// The class names in index order (`class_01` … `class_25`).
    public let classes: [String]

    /// The plain scan.
    public var layoutScan: LayoutScan {
        LayoutScan(samples: samples.map(\.sample), findings: findings, classes: classes)
    }
}

/// The NVGesture layout used by the AMSS code.
///
/// ```
/// root/nvgesture_{train,valid,test}_correct_v2.lst     (valid optional)
/// root/Video_data/class_XX/subjectN_rM/sk_color.avi     RGB
/// root/Video_data/class_XX/subjectN_rM/sk_depth.avi     depth (one channel)
/// root/Video_data/flow_data/<split>/<position>.npy      optional optical flow [H, W, 2, T]
/// ```
public struct NVGestureLayout: DatasetLayout {
    /// The splits in the order they are read; `valid` is optional.
    public static let splits = ["train", "valid", "test"]
    /// The class names: the gesture folders' names.
    public static let classes = (1...NVGestureList.classCount).map {
        "class_" + ($0 < 10 ? "0\($0)" : "\($0)")
    }
    /// The list sensors and the source keys they become.
    public static let sensors = [("color", "rgb"), ("depth", "depth")]

    public let name = "nvgesture"
    public let modalities = ["rgb", "depth", "flow"]

    /// Makes the layout.
    public init() {}

    public func scan(root: String) -> LayoutScan { scanGestures(root: root).layoutScan }

    /// Lists the samples with their frame ranges, and every problem, without decoding media.
    public func scanGestures(root: String) -> NVGestureScan {
        var findings: [Finding] = []
        guard let base = DatasetRoot.open(root, findings: &findings) else {
            return NVGestureScan(samples: [], findings: findings, classes: Self.classes)
        }
        var samples: [NVGestureSample] = []
        var seen: [String: String] = [:]
        for split in Self.splits {
            let relative = "nvgesture_\(split)_correct_v2.lst"
            guard let data = base.readAnnotation(relative, required: split != "valid",
                                                 findings: &findings) else { continue }
            let file = AnnotationFile(data: data, separator: "\u{0}")
            let list = NVGestureList(file: file, required: Self.sensors.map(\.0))
            for problem in list.problems {
                findings.append(Finding(path: "\(relative):\(problem.line)",
                                        id: problem.id, code: problem.code, severity: .error,
                                        message: problem.reason))
            }
            for entry in list.entries {
                let rowPath = "\(relative):\(entry.line)"
                if let sample = check(entry, split: split, rowPath: rowPath, root: base,
                                      seen: &seen, findings: &findings) {
                    samples.append(sample)
                }
            }
            if list.entries.isEmpty && list.problems.isEmpty {
                findings.append(Finding(path: relative, id: "", code: "empty-split",
                                        severity: split == "valid" ? .warning : .error,
                                        message: "the list names no gestures"))
            }
        }
        return NVGestureScan(samples: samples, findings: findings, classes: Self.classes)
    }

    /// One entry's checks: id, class folder, sensor videos, flow file.
    private func check(_ entry: NVGestureList.Entry, split: String, rowPath: String,
                       root: DatasetRoot, seen: inout [String: String],
                       findings: inout [Finding]) -> NVGestureSample? {
        let id = entry.id
        if let first = seen[id] {
            findings.append(Self.error(rowPath, id, "duplicate-id", "already listed at "
                                       + "\(first); the first occurrence is kept"))
            return nil
        }
        seen[id] = rowPath
        let folderClass = id.split(separator: "/").first.map(String.init) ?? ""
        if Self.classes.contains(folderClass), folderClass != Self.classes[entry.label] {
            findings.append(Self.error(rowPath, id, "label-mismatch", "label "
                                       + "\(entry.label + 1) disagrees with the folder "
                                       + "\(folderClass)"))
            return nil
        }

        let media = MediaFileChecker(root: root)
        var problems: [Finding] = []
        var sources: [String: String] = [:]
        var ranges: [String: Range<Int>] = [:]
        for (sensor, key) in Self.sensors {
            guard let recording = entry.sensors[sensor] else { continue }
            let relative = (entry.path as NSString).appendingPathComponent(recording.file + ".avi")
            let clean = relative.hasPrefix("./") ? String(relative.dropFirst(2)) : relative
            if let path = media.checkVideo(clean, id: id, problems: &problems) {
                sources[key] = path
                ranges[key] = recording.start..<recording.end
            }
        }
        let flow = "Video_data/flow_data/\(split)/\(entry.position).npy"
        if root.resolve(flow) != .missing,
           let path = media.resolveFile(flow, id: id, problems: &problems) {
            switch NPYHeader.read(path: path) {
            case .failure(let problem):
                problems.append(Self.error(flow, id, "not-npy", problem.reason))
            case .success(let header) where header.shape.count != 4 || header.shape[2] != 2:
                problems.append(Self.error(flow, id, "bad-flow", "expected a flow array "
                                           + "[H, W, 2, T], found shape \(header.shape)"))
            case .success:
                sources["flow"] = path
            }
        }
        findings.append(contentsOf: problems)
        guard !problems.contains(where: { $0.severity == .error }) else { return nil }
        let sample = Sample(id: id, split: split, label: entry.label, sources: sources)
        return NVGestureSample(sample: sample, ranges: ranges, position: entry.position)
    }

    private static func error(_ path: String, _ id: String, _ code: String,
                              _ message: String) -> Finding {
        Finding(path: path, id: id, code: code, severity: .error, message: message)
    }
}
