/// The settings of a Kinetics-Sounds layout that decide its class map.
public struct KineticsSoundsOptions: Equatable, Sendable {
    /// How the classes of a named list are ordered.
    public enum ClassOrder: String, Equatable, Sendable {
        /// Class names sorted by their Unicode scalars (the default: independent of row order).
        case sorted
        /// Order of first appearance in the train list (the reference code's order).
        case firstAppearance = "first-appearance"
    }

    /// The number of classes the configuration expects (31 for the standard Kinetics-Sounds);
    /// nil accepts any count.
    public var expectedClasses: Int? = 31
    /// How named classes are ordered.
    public var classOrder: ClassOrder = .sorted
    /// A class-name file relative to the root, one name per line in index order; nil for none.
    public var classNamesFile: String?
    /// The index of the first class in an indexed list (0 for the OGM-GE lists).
    public var labelBase = 0

    /// The standard settings.
    public init() {}
}
