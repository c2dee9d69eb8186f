/// A problem that stops a pipeline command: which path, a stable code and the reason.
public struct PipelineError: Error, CustomStringConvertible {
    /// The file or folder concerned.
    public let path: String
    /// A stable code such as `config`, `no-samples`, `usage`.
    public let code: String
    /// What was expected and what was found.
    public let reason: String

    /// Makes an error.
    public init(path: String, code: String, reason: String) {
        self.path = path
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(path): \(reason) [\(code)]" }
}
