/// Why the masked-subnetwork optimizer could not mask a group.
public struct RebalanceError: Error, CustomStringConvertible, Sendable {
    /// The name of the parameter whose group was rejected.
    public let parameter: String
    /// What was expected and what was found.
    public let reason: String

    /// Makes an error.
    public init(parameter: String, reason: String) {
        self.parameter = parameter
        self.reason = reason
    }

    /// `parameter: reason`.
    public var description: String { "\(parameter): \(reason)" }
}
