/// A failure to load a vocabulary or to read text, naming the file and the reason.
public struct TextError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file concerned (`-` for standard input).
    public let path: String
    /// What was expected and what was found.
    public let reason: String

    /// Makes an error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}
