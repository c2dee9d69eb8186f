/// Where a modality's file lies, as a path relative to the dataset root with placeholders:
/// `wav/{id}.wav`, `frames/{split}/{id}/`, `audio/{label}/{id}.flac`.
///
/// `{id}` is required; `{split}` and `{label}` are optional. A pattern is never absolute and
/// has no `..` component, so that no row can point the checks outside the root; the
/// substituted values are checked to be plain file names by the layout.
public struct FolderPathPattern: Equatable {
    /// The placeholders a pattern may use.
    public static let placeholders = ["id", "split", "label"]

    /// The pattern as written (a trailing `/` marks a folder).
    public let text: String

    /// Whether the pattern uses `{label}`.
    public var usesLabel: Bool { text.contains("{label}") }

    /// Checks `text`; the error's message says what is wrong (the caller adds the key path).
    public init(_ text: String) throws(FolderPathPattern.Problem) {
        try FolderPathPattern.checkRelative(text)
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw Problem("'\(text)' has a `{` without its `}`")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard FolderPathPattern.placeholders.contains(name) else {
                throw Problem("unknown placeholder {\(name)} in '\(text)' (known: {id}, "
                              + "{split}, {label})")
            }
            names.append(name)
            rest = rest[rest.index(after: close)...]
        }
        if rest.contains("}") { throw Problem("'\(text)' has a `}` without its `{`") }
        guard names.contains("id") else {
            throw Problem("pattern has no {id}: every sample would share the path '\(text)'")
        }
        self.text = text
    }

    /// The relative path for one row (a trailing `/` dropped); each placeholder is replaced
    /// once, so a value that itself reads `{split}` stays as it is.
    public func path(id: String, split: String, label: String) -> String {
        let values = ["id": id, "split": split, "label": label]
        var path = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"),
              let close = rest[open...].firstIndex(of: "}") {
            path += rest[..<open]
            path += values[String(rest[rest.index(after: open)..<close])] ?? ""
            rest = rest[rest.index(after: close)...]
        }
        path += rest
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// Checks that `text` is a path inside the root: not empty, not absolute, no `..` or empty
    /// component, no control character.
    public static func checkRelative(_ text: String) throws(FolderPathPattern.Problem) {
        guard !text.isEmpty else { throw Problem("the path is empty") }
        if text.hasPrefix("/") {
            throw Problem("'\(text)' is an absolute path; paths are relative to the dataset root")
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw Problem("the path holds a control character")
        }
        let components = text.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains("..") {
            throw Problem("'\(text)' climbs out of the dataset root with `..`")
        }
        if components.dropLast().contains("") {
            throw Problem("'\(text)' has an empty path component (`//`)")
        }
    }

    /// Why a pattern is not usable.
    public struct Problem: Error, Equatable {
        /// What is wrong.
        public let reason: String

        init(_ reason: String) { self.reason = reason }
    }
}
