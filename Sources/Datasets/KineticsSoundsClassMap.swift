/// The class → index map of a Kinetics-Sounds layout, built from its split lists.
///
/// Named lists: the class names of the train list, sorted (default) or in order of first
/// appearance (the reference code's order), or the order of a class-name file. Indexed lists:
/// the indices themselves, named `0`…`N-1` unless a class-name file gives the names.
struct KineticsSoundsClassMap {
    /// One split's parsed list and where it came from.
    struct SplitList {
        let split: String
        let relative: String
        let list: KineticsSoundsList
    }

    /// The class names in index order.
    let classes: [String]
    /// The index of each label that has one.
    let indices: [KineticsSoundsList.Label: Int]

    /// Builds the map and appends the folder-wide findings (a class only outside train, a
    /// class count that disagrees with `options.expectedClasses`, mixed list forms).
    init(lists: [SplitList], options: KineticsSoundsOptions, names: [String]?,
         namesPath: String, findings: inout [Finding]) {
        let formats = Set(lists.map(\.list.format))
        if formats.count > 1 {
            let described = lists.map { "\($0.relative) is \($0.list.format.rawValue)" }
            findings.append(Self.error(lists.last?.relative ?? "annotations",
                                       "mixed-formats", "the split lists mix the named (header "
                                       + "with label, youtube_id) and indexed (id,frames,index) "
                                       + "forms: " + described.joined(separator: ", ")))
        }
        let train = lists.first { $0.split == "train" }?.list.entries ?? []
        let trainLabels = Set(train.map(\.label))

        var classes: [String]
        var indices: [KineticsSoundsList.Label: Int] = [:]
        if formats == [.named] {
            if let names {
                classes = names
            } else {
                var seen = Set<String>()
                let ordered = train.compactMap { entry -> String? in
                    guard case .name(let name) = entry.label, seen.insert(name).inserted else {
                        return nil
                    }
                    return name
                }
                classes = options.classOrder == .sorted ? ordered.sorted() : ordered
            }
            for (index, name) in classes.enumerated() { indices[.name(name)] = index }
        } else {
            let trainIndices = train.compactMap { entry -> Int? in
                if case .index(let index) = entry.label { return index }
                return nil
            }
            // The train list defines the class count: its largest index + 1.
            let found = (trainIndices.max() ?? -1) + 1
            let count = names?.count ?? options.expectedClasses ?? found
            classes = names ?? (0..<count).map(String.init)
            for index in 0..<count { indices[.index(index)] = index }
            if let expected = options.expectedClasses, names == nil, found != expected,
               !train.isEmpty {
                findings.append(Self.error(lists.first?.relative ?? "annotations",
                                           "class-count", "the config expects \(expected) "
                                           + "classes (`classes`), the train list's largest "
                                           + "class index is \(found - 1 + options.labelBase) "
                                           + "(\(found) classes)"))
            }
            let empty = (0..<count).filter { !trainLabels.contains(.index($0)) }
            if !empty.isEmpty, !train.isEmpty {
                findings.append(Finding(
                    path: lists.first?.relative ?? "annotations", id: "",
                    code: "class-without-train", severity: .warning,
                    message: "\(empty.count) of \(count) classes have no training clip (e.g. "
                        + empty.prefix(5).map(String.init).joined(separator: ", ") + ")"))
            }
        }

        if let expected = options.expectedClasses, classes.count != expected,
           formats == [.named] || names != nil {
            let source = names == nil ? "the train list" : namesPath
            findings.append(Self.error(names == nil ? lists.first?.relative ?? namesPath
                                           : namesPath, "class-count",
                                       "the config expects \(expected) classes (`classes`), "
                                       + "\(source) has \(classes.count)"))
        }
        for split in lists where split.split != "train" {
            Self.checkCovered(split, trainLabels: trainLabels, known: indices,
                              findings: &findings)
        }
        self.classes = classes
        self.indices = indices
    }

    /// A folder-wide error when a split holds classes the train list lacks; labels outside the
    /// class map (`known`) are left to their rows' own findings.
    private static func checkCovered(_ split: SplitList,
                                     trainLabels: Set<KineticsSoundsList.Label>,
                                     known: [KineticsSoundsList.Label: Int],
                                     findings: inout [Finding]) {
        var missing: [String: Int] = [:]
        for entry in split.list.entries where !trainLabels.contains(entry.label) {
            if case .index = entry.label, known[entry.label] == nil { continue }
            missing[describe(entry.label), default: 0] += 1
        }
        guard !missing.isEmpty else { return }
        let listed = missing.sorted { $0.key < $1.key }.prefix(5)
            .map { "\($0.key) (\($0.value) clips)" }.joined(separator: ", ")
        findings.append(error(split.relative, "class-not-in-train", "\(missing.count) classes of "
                              + "the \(split.split) list never occur in the train list: \(listed)"
                              + "; the class map would not cover them"))
    }

    /// A label as text: the name, or the index.
    static func describe(_ label: KineticsSoundsList.Label) -> String {
        switch label {
        case .name(let name): return "'\(name)'"
        case .index(let index): return String(index)
        }
    }

    private static func error(_ path: String, _ code: String, _ message: String) -> Finding {
        Finding(path: path, id: "", code: code, severity: .error, message: message)
    }
}
