/// The units one draw kept, with the gradient weight each kept unit received.
///
/// A convolution group gives one draw over its filters; a fusion column block gives one draw per
/// class row, over the block's columns (indices relative to the block's first column).
public struct UnitMask: Sendable {
    /// The name of the masked parameter.
    public let parameter: String
    /// The modality of the group.
    public let modality: Int
    /// The class row of a fusion column block; nil for a convolution group.
    public let row: Int?
    /// The number of units that were candidates (`N`).
    public let unitCount: Int
    /// The kept unit indices, increasing.
    public let kept: [Int]
    /// The gradient weight of each kept unit, in the order of `kept`.
    public let weights: [Float]
    /// Whether the mask was written into the gradient (false for the reference's unapplied
    /// fusion masks under compat, and for `joint`).
    public let applied: Bool

    /// Makes a record of one draw.
    public init(parameter: String, modality: Int, row: Int?, unitCount: Int, kept: [Int],
                weights: [Float], applied: Bool) {
        self.parameter = parameter
        self.modality = modality
        self.row = row
        self.unitCount = unitCount
        self.kept = kept
        self.weights = weights
        self.applied = applied
    }
}
