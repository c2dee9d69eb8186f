/// A problem with one media file: which file, a stable machine-readable code, and the reason.
public struct MediaError: Error, CustomStringConvertible, Equatable {
    /// The file that could not be used.
    public let path: String
    /// A stable code such as `empty-media`, `not-audio`, `decode-failed`, `lfs-pointer`.
    public let code: String
    /// What was expected and what was found, in words.
    public let reason: String

    /// Makes an error for `path`.
    public init(path: String, code: String, reason: String) {
        self.path = path
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(path): \(reason) [\(code)]" }
}
