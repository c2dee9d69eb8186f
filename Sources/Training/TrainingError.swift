/// Why a training run cannot start or go on: the file or folder concerned and the reason.
public struct TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path concerned (cache folder, shard, manifest, run folder).
    public let path: String
    /// What was expected and what was found.
    public let reason: String

    /// Makes an error for `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}
