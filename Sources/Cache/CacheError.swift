/// A problem with a cache file or folder: which path, a stable code and the reason.
public struct CacheError: Error, CustomStringConvertible, Equatable {
    /// The file or folder concerned.
    public let path: String
    /// A stable code such as `hdf5`, `missing`, `checksum`, `schema`, `locked`, `io`.
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
