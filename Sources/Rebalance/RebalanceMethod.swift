/// How the masked-subnetwork optimizer treats gradients after the backward pass.
public enum RebalanceMethod: String, Codable, CaseIterable, Sendable {
    /// No masking: every gradient is kept as computed (keep ratios are still estimated and logged).
    case joint
    /// Keep a sampled subset of each group's units with weight 1, zero the rest.
    case amss
    /// Like `amss`, but each kept unit's gradient is re-weighted by `1 / (q_j + 1/N)`.
    case amssPlus = "amss+"
}
