/// One sample of a dataset split, ready for the pipeline stages.
public struct Sample: Equatable {
    /// The id, verbatim from the annotations (also the shard's `ids` entry).
    public let id: String
    /// The split: `train`, `valid` or `test`.
    public let split: String
    /// The class index.
    public let label: Int
    /// Source files per modality input, as absolute paths inside the dataset root:
    /// `audio` (a WAV or a video whose audio track is used), `frames` (a frame folder),
    /// `video` (a video file) or `image` (one picture).
    public let sources: [String: String]
    /// Texts per text modality, verbatim from the annotations (e.g. `text` → the caption).
    public let texts: [String: String]

    /// Makes a sample.
    public init(id: String, split: String, label: Int, sources: [String: String],
                texts: [String: String] = [:]) {
        self.id = id
        self.split = split
        self.label = label
        self.sources = sources
        self.texts = texts
    }
}

/// What scanning a dataset folder found: the usable samples and every problem.
public struct LayoutScan {
    /// Samples without errors, in annotation order per split.
    public let samples: [Sample]
    /// Every problem, errors and warnings.
    public let findings: [Finding]
    /// The class names in index order.
    public let classes: [String]
    /// Rows left out per split because their media file is missing (warned, not errors).
    public let dropped: [String: Int]

    /// Makes a scan result.
    public init(samples: [Sample], findings: [Finding], classes: [String],
                dropped: [String: Int] = [:]) {
        self.samples = samples
        self.findings = findings
        self.classes = classes
        self.dropped = dropped
    }

    /// Whether any finding is an error.
    public var hasErrors: Bool { findings.contains { $0.severity == .error } }
}

/// A dataset's folder layout: how to find its annotations and media, and what to check.
public protocol DatasetLayout {
    /// The name on the command line, e.g. `crema`.
    var name: String { get }
    /// The modalities the layout provides, e.g. `["audio", "visual"]`.
    var modalities: [String] { get }
    /// Lists the samples under `root` and reports every problem found without decoding media.
    func scan(root: String) -> LayoutScan
}
