/// A mistake in a layout file: which file, the JSON key path (e.g. `splits.train.label_column`)
/// and the reason.
public struct FolderLayoutError: Error, Equatable, CustomStringConvertible {
    /// The layout file as given.
    public let file: String
    /// The dotted key path inside the JSON (`labels[2]` for an array element), empty for the
    /// file as a whole.
    public let keyPath: String
    /// What was expected and what was found.
    public let reason: String

    /// Makes an error.
    public init(file: String, keyPath: String, reason: String) {
        self.file = file
        self.keyPath = keyPath
        self.reason = reason
    }

    /// `keyPath: reason`, or the reason alone for the file as a whole.
    public var message: String { keyPath.isEmpty ? reason : "\(keyPath): \(reason)" }

    public var description: String { "\(file): \(message)" }

    /// The same problem as a folder-wide validation finding (code `layout`).
    public var finding: Finding {
        Finding(path: file, id: "", code: "layout", severity: .error, message: message)
    }
}
