/// A sample that could not be prepared, with the file and the reason.
public struct RejectedSample: Codable, Equatable, Error {
    /// The sample id, verbatim.
    public let id: String
    /// The file that failed.
    public let path: String
    /// A stable code, e.g. `not-audio`.
    public let code: String
    /// The reason in words.
    public let reason: String

    /// Makes a rejected-sample record.
    public init(id: String, path: String, code: String, reason: String) {
        self.id = id
        self.path = path
        self.code = code
        self.reason = reason
    }
}
