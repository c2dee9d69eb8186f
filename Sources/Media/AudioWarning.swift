/// A problem with one audio file that did not stop decoding, such as a data chunk that ends
/// before its header says: the samples that are there were used, and the caller should record
/// the warning next to the sample.
public struct AudioWarning: Equatable, Sendable, CustomStringConvertible {
    /// The file the warning is about.
    public let path: String
    /// A stable code: `truncated`, `data-size`, `damaged-packets`.
    public let code: String
    /// What was expected, what was found and what was done, in words.
    public let message: String

    /// Makes a warning for `path`.
    public init(path: String, code: String, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    /// `path: message [code]`.
    public var description: String { "\(path): \(message) [\(code)]" }
}
