/// Why a fusion head could not be made for the given modalities and classes.
public enum FusionError: Error, Equatable, CustomStringConvertible {
    /// No modality was given.
    case noModalities(kind: FusionKind)
    /// A modality's feature length is zero or negative.
    case nonPositiveFeatureCount(kind: FusionKind, featureCounts: [Int])
    /// The class count is zero or negative.
    case nonPositiveClassCount(kind: FusionKind, classCount: Int)
    /// The head joins exactly two modalities and got another number.
    case needsTwoModalities(kind: FusionKind, modalityCount: Int)

    /// One line naming the fusion and the reason.
    public var description: String {
        switch self {
        case .noModalities(let kind):
            return "fusion '\(kind.rawValue)': no modality given"
        case .nonPositiveFeatureCount(let kind, let counts):
            return "fusion '\(kind.rawValue)': feature lengths must be positive, got \(counts)"
        case .nonPositiveClassCount(let kind, let count):
            return "fusion '\(kind.rawValue)': class count must be positive, got \(count)"
        case .needsTwoModalities(let kind, let count):
            return "fusion '\(kind.rawValue)' joins exactly two modalities, got \(count)"
        }
    }
}
