/// A set of units of one parameter that the masked-subnetwork optimizer may switch off together.
///
/// Models declare their groups; nothing is matched by parameter name.
public struct MaskableGroup {
    /// How the parameter's values divide into units.
    public enum Layout {
        /// Units are equal contiguous slices along the first axis: `unitCount` output filters of a
        /// convolution weight `[Cout, Cin, kh, kw]`, each `value.count / unitCount` values long.
        case leadingAxis(unitCount: Int)
        /// A column block of a row-major `[rows, columns]` linear weight: every row is masked on
        /// its own, choosing among the `columnCount` columns starting at `columnStart`.
        case columnBlock(rows: Int, columns: Int, columnStart: Int, columnCount: Int)
        /// Units are equal contiguous column slices of a row-major weight whose last axis is
        /// `parameter.shape.last`, each slice taken across every row, with one draw for the whole
        /// weight: the heads of an attention output projection `[out, heads·headDim]`. (The
        /// heads of the Q, K and V projections `[heads·headDim, in]` are row blocks:
        /// `leadingAxis(unitCount: heads)`.)
        case trailingAxis(unitCount: Int)
    }

    /// The parameter whose gradient is masked.
    public let parameter: Parameter
    /// The index of the modality this group belongs to.
    public let modality: Int
    /// How the parameter divides into units.
    public let layout: Layout

    /// Makes a group.
    public init(parameter: Parameter, modality: Int, layout: Layout) {
        self.parameter = parameter
        self.modality = modality
        self.layout = layout
    }
}
