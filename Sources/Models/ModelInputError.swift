/// A batch an encoder cannot take: the wrong kind of input or inconsistent sizes.
public struct ModelInputError: Error, CustomStringConvertible {
    /// The encoder's name, e.g. `text`.
    public let encoder: String
    /// What was wrong.
    public let reason: String

    /// Makes an error.
    public init(encoder: String, reason: String) {
        self.encoder = encoder
        self.reason = reason
    }

    /// A one-line message naming the encoder and the reason.
    public var description: String { "encoder \(encoder): \(reason)" }
}
