import Foundation

/// One NVGesture split list (`nvgesture_<split>_correct_v2.lst`).
///
/// Each line holds blank-separated `key:value` fields: `path:./Video_data/class_01/subject1_r0`,
/// one `sensor:file:start:end` field per sensor (`color:sk_color:138:218`,
/// `depth:sk_depth:138:218`, `duo_left:duo_left:161:253`) and `label:N` with N counted from 1.
/// Frame ranges are `[start, end)` in each sensor's own frame numbers.
public struct NVGestureList: Equatable {
    /// The classes of the dataset.
    public static let classCount = 25

    /// One sensor's recording of the gesture.
    public struct Sensor: Equatable {
        /// The file stem inside the gesture folder (`sk_color` → `sk_color.avi`).
        public let file: String
        /// The first frame of the gesture.
        public let start: Int
        /// One past its last frame.
        public let end: Int
    }

    /// One usable line.
    public struct Entry: Equatable {
        /// The 1-based line number.
        public let line: Int
        /// The 0-based position among the list's non-blank lines (the name of its flow file).
        public let position: Int
        /// The gesture folder as written, e.g. `./Video_data/class_01/subject1_r0`.
        public let path: String
        /// Sensors by key (`color`, `depth`, `duo_left`, …).
        public let sensors: [String: Sensor]
        /// The class, 0-based.
        public let label: Int

        /// The sample id: the folder without a leading `./` and `Video_data/`.
        public var id: String { Self.id(ofPath: path) }

        /// `path` without a leading `./` and `Video_data/`.
        static func id(ofPath path: String) -> String {
            var text = Substring(path)
            while text.hasPrefix("./") { text = text.dropFirst(2) }
            if text.hasPrefix("Video_data/") { text = text.dropFirst("Video_data/".count) }
            return String(text)
        }
    }

    /// One unusable line.
    public struct Problem: Error, Equatable {
        public let line: Int
        public let id: String
        public let code: String
        public let reason: String
    }

    /// The usable lines in file order.
    public let entries: [Entry]
    /// The lines that could not be read.
    public let problems: [Problem]

    /// Parses the lines of `data` (BOM, CRLF, tabs and repeated blanks tolerated); `required`
    /// names the sensors every line must carry.
    public init(data: Data, required: [String] = ["color", "depth"]) {
        self.init(file: AnnotationFile(data: data, separator: "\u{0}"), required: required)
    }

    /// Parses the rows of a file read whole (with the NUL separator, one field per line).
    init(file: AnnotationFile, required: [String]) {
        var entries: [Entry] = []
        var problems: [Problem] = []
        for (position, row) in file.rows.enumerated() {
            let words = row.fields.joined().split(whereSeparator: { $0 == " " || $0 == "\t" })
                .map(String.init)
            switch Self.entry(words, line: row.line, position: position, required: required) {
            case .success(let entry): entries.append(entry)
            case .failure(let problem): problems.append(problem)
            }
        }
        self.entries = entries
        self.problems = problems
    }

    /// One line's fields as an entry, or the first problem found.
    private static func entry(_ words: [String], line: Int, position: Int,
                              required: [String]) -> Result<Entry, Problem> {
        var path: String?
        var label: Int?
        var sensors: [String: Sensor] = [:]
        func problem(_ code: String, _ reason: String) -> Result<Entry, Problem> {
            .failure(Problem(line: line, id: path.map(Entry.id(ofPath:)) ?? "", code: code,
                             reason: reason))
        }
        for word in words {
            let parts = word.split(separator: ":", omittingEmptySubsequences: false)
                .map(String.init)
            guard parts.count >= 2, !parts[0].isEmpty else {
                return problem("bad-field", "field '\(word)' is not key:value")
            }
            switch parts[0] {
            case "path":
                path = parts.dropFirst().joined(separator: ":")
            case "label":
                guard parts.count == 2, let value = Int(parts[1]) else {
                    let text = parts.dropFirst().joined(separator: ":")
                    return problem("bad-label", "label '\(text)' is not an integer")
                }
                label = value
            default:
                guard parts.count == 4, !parts[1].isEmpty, let start = Int(parts[2]),
                      let end = Int(parts[3]) else {
                    return problem("bad-field", "sensor field '\(word)' is not "
                                   + "sensor:file:start:end with integer frame numbers")
                }
                guard start >= 0, end > start else {
                    return problem("bad-range", "sensor \(parts[0]) has the empty or negative "
                                   + "frame range [\(start), \(end))")
                }
                sensors[parts[0]] = Sensor(file: parts[1], start: start, end: end)
            }
        }
        guard let path, !path.isEmpty else { return problem("bad-row", "no path:<folder> field") }
        guard let label else { return problem("bad-label", "no label:<class> field") }
        guard (1...classCount).contains(label) else {
            return problem("label-range", "label \(label) is outside 1…\(classCount) (the lists "
                           + "count classes from 1)")
        }
        if let absent = required.first(where: { sensors[$0] == nil }) {
            return problem("missing-sensor", "no \(absent):<file>:<start>:<end> field")
        }
        return .success(Entry(line: line, position: position, path: path, sensors: sensors,
                              label: label - 1))
    }
}
