/// One thing wrong with a cache folder, as `amss cache verify` reports it.
public struct CacheProblem: Codable, Equatable, CustomStringConvertible {
    /// The file concerned (absolute or as given with the folder).
    public let path: String
    /// A stable code: `missing`, `checksum`, `truncated`, `hdf5`, `config-mismatch`,
    /// `schema`, `extra`, `no-checksum`, `manifest`.
    public let code: String
    /// What was expected and what was found.
    public let reason: String

    /// Makes a problem record.
    public init(path: String, code: String, reason: String) {
        self.path = path
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(path): \(reason) [\(code)]" }
}
