/// The datasets a shard must hold: names, element types and shapes after the sample axis.
public struct ShardSchema: Equatable {
    /// One expected dataset.
    public struct Dataset: Equatable {
        /// The dataset name, e.g. `audio`.
        public let name: String
        /// The element type.
        public let kind: ElementKind
        /// The dimensions after the sample axis; nil where any size is allowed.
        public let dimensions: [Int?]
        /// Whether it must be chunked one sample per chunk.
        public let chunkPerSample: Bool

        /// Makes an expected dataset.
        public init(name: String, kind: ElementKind, dimensions: [Int?],
                    chunkPerSample: Bool = true) {
            self.name = name
            self.kind = kind
            self.dimensions = dimensions
            self.chunkPerSample = chunkPerSample
        }

        /// The shape as text, `[N, 257, *]`.
        public var shapeText: String {
            "[" + (["N"] + dimensions.map { $0.map(String.init) ?? "*" })
                .joined(separator: ", ") + "]"
        }
    }

    /// The expected datasets.
    public let datasets: [Dataset]

    /// Makes a schema.
    public init(datasets: [Dataset]) {
        self.datasets = datasets
    }

    /// What every shard holds whatever the modalities: `ids` (UTF-8) and `label` (int64).
    public static let common = ShardSchema(datasets: [
        Dataset(name: "ids", kind: .utf8, dimensions: [], chunkPerSample: false),
        Dataset(name: "label", kind: .int64, dimensions: []),
    ])
}
