import Foundation

/// A dataset layout described by a JSON file: annotation tables per split, the label set, where
/// each modality's files are, and optional pipeline settings.
///
/// ```json
/// {
///   "name": "digits",
///   "splits": {
///     "train": {"file": "lists/train.csv", "id_column": "id", "label_column": "word",
///               "group_column": "language"},
///     "test":  {"file": "lists/test.tsv", "header": false, "id_column": 0, "label_column": 2}
///   },
///   "labels": "sorted",
///   "modalities": {"audio": "wav/{id}.wav", "frames": "frames/{id}/"},
///   "pipeline": {"audio": {"clip_seconds": 2}, "frames": {"width": 112, "height": 112}}
/// }
/// ```
///
/// Everything here is checked from the JSON alone; the columns are checked against the tables'
/// headers when the dataset root is scanned.
public struct FolderLayoutFile: Equatable {
    /// The splits a layout may name, in the order they are read.
    public static let splitNames = ["train", "valid", "test"]
    /// The modality keys, as `Sample.sources` keys (and `text` for `Sample.texts`).
    public static let modalityKeys = ["audio", "frames", "video", "image", "text"]
    /// The top-level keys.
    static let topKeys = ["name", "splits", "labels", "modalities", "pipeline"]
    /// The keys of a split.
    static let splitKeys = ["file", "format", "header", "id_column", "label_column",
                            "group_column"]

    /// One split's annotation table.
    public struct Split: Equatable {
        /// `train`, `valid` or `test`.
        public let name: String
        /// The table's path relative to the dataset root.
        public let file: String
        /// `,` for CSV, a tab for TSV.
        public let separator: Character
        /// Whether the first record names the columns.
        public let header: Bool
        /// The column holding the sample id (also the `{id}` of the path patterns).
        public let idColumn: FolderColumn
        /// The column holding the class name.
        public let labelColumn: FolderColumn
        /// A grouping column such as the speaker, checked for overlap between splits.
        public let groupColumn: FolderColumn?
    }

    /// The class names: listed in index order, or collected from the tables and sorted.
    public enum Labels: Equatable {
        case listed([String])
        /// The labels of the `train` split (every split when there is none), sorted by Unicode
        /// code points.
        case sorted
    }

    /// The layout file as given.
    public let path: String
    /// The dataset name: the cache folder under `<cache>/`.
    public let name: String
    /// The splits in `train`, `valid`, `test` order.
    public let splits: [Split]
    /// The class names, listed or collected.
    public let labels: Labels
    /// The file patterns per source key (`audio`, `frames`, `video`, `image`).
    public let sources: [String: FolderPathPattern]
    /// The column holding the `text` modality, if any.
    public let textColumn: FolderColumn?
    /// The `pipeline` section as JSON (the keys of `pipelines/*.json`), or nil.
    public let pipeline: Data?
    /// The whole file's JSON, keys sorted and without whitespace: what a cache records.
    public let canonicalJSON: Data

    /// The modality kinds present: `audio`, `visual` (frames and/or video), `image`, `text`.
    public var modalities: [String] {
        var kinds: [String] = []
        if sources["audio"] != nil { kinds.append("audio") }
        if sources["frames"] != nil || sources["video"] != nil { kinds.append("visual") }
        if sources["image"] != nil { kinds.append("image") }
        if textColumn != nil { kinds.append("text") }
        return kinds
    }

    /// Reads and checks the layout file at `path`.
    public static func load(path: String) throws -> FolderLayoutFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FolderLayoutError(file: path, keyPath: "", reason: "cannot read the layout "
                                    + "file (missing or not readable)")
        }
        return try FolderLayoutFile(data: data, path: path)
    }

    /// Parses and checks layout JSON; every error names `path` and the key path.
    public init(data: Data, path: String) throws {
        let value: LayoutJSON.Value
        do {
            value = try JSONDecoder().decode(LayoutJSON.Value.self, from: data)
        } catch {
            throw FolderLayoutError(file: path, keyPath: "", reason: "not valid JSON")
        }
        let top = try LayoutJSON(value: value, keyPath: "", file: path)
            .members(known: FolderLayoutFile.topKeys)
        self.path = path

        if let given = top["name"] {
            let text = try given.string()
            guard DatasetRoot.isPlainFileName(text), !text.hasPrefix(".") else {
                throw given.error("'\(text)' cannot name a cache folder (a plain file name "
                                  + "without `/` or a leading `.`)")
            }
            name = text
        } else {
            name = "folder"
        }

        guard let splitsValue = top["splits"] else {
            throw FolderLayoutError(file: path, keyPath: "splits", reason: "missing: name the "
                                    + "annotation file of each split (train, valid, test)")
        }
        let splitMembers = try splitsValue.members(known: FolderLayoutFile.splitNames)
        guard !splitMembers.isEmpty else {
            throw splitsValue.error("no split: name at least `train` and `test`")
        }
        splits = try FolderLayoutFile.splitNames.compactMap { name in
            try splitMembers[name].map { try FolderLayoutFile.split(name, $0) }
        }

        labels = try top["labels"].map(FolderLayoutFile.labels) ?? .sorted

        guard let modalitiesValue = top["modalities"] else {
            throw FolderLayoutError(file: path, keyPath: "modalities", reason: "missing: say "
                                    + "where each modality's files are")
        }
        (sources, textColumn) = try FolderLayoutFile.modalities(
            modalitiesValue, header: splits.allSatisfy(\.header))

        if let section = top["pipeline"] {
            guard case .object = section.value else {
                throw section.error("expected an object with the keys of pipelines/*.json, "
                                    + "found \(section.value.kindName)")
            }
            pipeline = try? JSONEncoder().encode(section.value)
        } else {
            pipeline = nil
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        canonicalJSON = (try? encoder.encode(value)) ?? data

        if modalities.count < 2 {
            throw modalitiesValue.error("\(modalities.count) modalit"
                                        + "\(modalities.count == 1 ? "y" : "ies") "
                                        + "(\(modalities.joined(separator: ", "))); a layout "
                                        + "needs at least two of audio, visual (frames/video), "
                                        + "image, text")
        }
    }

    /// One split's settings.
    private static func split(_ name: String, _ value: LayoutJSON) throws -> Split {
        let members = try value.members(known: splitKeys)
        guard let fileValue = members["file"] else {
            throw FolderLayoutError(file: value.file, keyPath: value.path(of: "file"),
                                    reason: "missing: the annotation file, relative to the root")
        }
        let file = try fileValue.string()
        do {
            try FolderPathPattern.checkRelative(file)
        } catch {
            throw fileValue.error(error.reason)
        }

        let format = try members["format"]?.string()
            ?? (file.lowercased().hasSuffix(".tsv") || file.lowercased().hasSuffix(".tab")
                ? "tsv" : "csv")
        guard format == "csv" || format == "tsv" else {
            throw FolderLayoutError(file: value.file, keyPath: value.path(of: "format"),
                                    reason: "expected \"csv\" or \"tsv\", found \"\(format)\"")
        }
        let header = try members["header"]?.bool() ?? true
        func column(_ key: String, required: Bool) throws -> FolderColumn? {
            guard let member = members[key] else {
                if !required { return nil }
                throw FolderLayoutError(file: value.file, keyPath: value.path(of: key),
                                        reason: "missing: a column name or 0-based index")
            }
            return try member.column(header: header)
        }
        guard let id = try column("id_column", required: true),
              let label = try column("label_column", required: true) else {
            throw value.error("missing id_column or label_column")
        }
        return Split(name: name, file: file, separator: format == "tsv" ? "\t" : ",",
                     header: header, idColumn: id, labelColumn: label,
                     groupColumn: try column("group_column", required: false))
    }

    /// `"sorted"` or a list of distinct, non-empty names.
    private static func labels(_ value: LayoutJSON) throws -> Labels {
        if case .string(let word) = value.value {
            guard word == "sorted" else {
                throw value.error("expected \"sorted\" or a list of class names, found "
                                  + "\"\(word)\"")
            }
            return .sorted
        }
        var names: [String] = []
        var positions: [String: Int] = [:]
        for element in try value.elements() {
            let name = try element.string().trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw element.error("a class name is empty") }
            if let first = positions[name] {
                throw element.error("'\(name)' is listed twice (first at "
                                    + "\(value.keyPath)[\(first)])")
            }
            positions[name] = names.count
            names.append(name)
        }
        guard names.count >= 2 else {
            throw value.error("\(names.count) class(es); a classifier needs at least two")
        }
        return .listed(names)
    }

    /// The file patterns and the text column.
    private static func modalities(_ value: LayoutJSON, header: Bool) throws
        -> ([String: FolderPathPattern], FolderColumn?) {
        let members = try value.members(known: modalityKeys)
        var patterns: [String: FolderPathPattern] = [:]
        var text: FolderColumn?
        for key in members.keys.sorted() {
            guard let member = members[key] else { continue }
            if key == "text" {
                let settings = try member.members(known: ["column"])
                guard let column = settings["column"] else {
                    throw FolderLayoutError(file: member.file, keyPath: member.path(of: "column"),
                                            reason: "missing: the column holding the text")
                }
                text = try column.column(header: header)
                continue
            }
            do {
                patterns[key] = try FolderPathPattern(try member.string())
            } catch let problem as FolderPathPattern.Problem {
                throw member.error(problem.reason)
            }
        }
        return (patterns, text)
    }
}
