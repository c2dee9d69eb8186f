/// What `amss train --method` selects: the masked-subnetwork optimizer or a baseline.
public enum TrainingMethod: String, Codable, CaseIterable, Sendable {
    /// Both encoders and the fusion head, no gradient treatment.
    case joint
    /// One encoder (`--modality`) and a linear head.
    case unimodal
    /// On-the-fly gradient modulation of the dominant encoder.
    case ogm
    /// OGM with generalization enhancement (Gaussian gradient noise).
    case ogmGE = "ogm-ge"
    /// Adaptive masked subnetworks, kept units with weight 1.
    case amss
    /// AMSS with re-weighted kept units.
    case amssPlus = "amss+"

    /// The names `--method` accepts, in documentation order.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Whether the model has both encoders and a fusion head.
    public var isMultimodal: Bool { self != .unimodal }

    /// Whether gradient modulation (OGM, OGM-GE) runs after the backward pass.
    public var modulates: Bool { self == .ogm || self == .ogmGE }
}
