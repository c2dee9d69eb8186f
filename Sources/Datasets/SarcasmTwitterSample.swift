/// One image–text sample of the Sarcasm or Twitter15 layout.
public struct SarcasmTwitterSample: Equatable {
    /// The id: the annotation's id or index column, else the image name without extension;
    /// `#2`, `#3` … are appended when several rows share one.
    public let id: String
    /// The split: `train`, `valid` or `test`.
    public let split: String
    /// The class index.
    public let label: Int
    /// The text to tokenize (Twitter15's `$T$` already replaced by the target).
    public let text: String
    /// The image, as an absolute path inside the dataset root.
    public let image: String

    /// Makes a sample.
    public init(id: String, split: String, label: Int, text: String, image: String) {
        self.id = id
        self.split = split
        self.label = label
        self.text = text
        self.image = image
    }
}

/// What scanning a Sarcasm or Twitter15 folder found.
public struct SarcasmTwitterScan {
    /// Samples without errors and with their image, in annotation order per split.
    public let samples: [SarcasmTwitterSample]
    /// Every problem, errors and warnings.
    public let findings: [Finding]
    /// The class names in index order.
    public let classes: [String]
    /// Rows dropped because their image is missing, per split.
    public let missingImages: [String: Int]

    /// Makes a scan result.
    public init(samples: [SarcasmTwitterSample], findings: [Finding], classes: [String],
                missingImages: [String: Int]) {
        self.samples = samples
        self.findings = findings
        self.classes = classes
        self.missingImages = missingImages
    }

    /// The same scan as the generic `LayoutScan` (each sample's `image` as its one source and
    /// its text under `text`).
    public var layoutScan: LayoutScan {
        LayoutScan(samples: samples.map {
            Sample(id: $0.id, split: $0.split, label: $0.label, sources: ["image": $0.image],
                   texts: ["text": $0.text])
        }, findings: findings, classes: classes, dropped: missingImages.filter { $0.value > 0 })
    }
}
