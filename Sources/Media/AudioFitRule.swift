/// How a decoded clip is brought to the configured clip length.
///
/// Every rule keeps the start of a clip that is too long; they differ in what fills a clip that
/// is too short:
/// - `repeat`: loop the clip until it is long enough, then cut (the default).
/// - `pad`: append zeros.
/// - `cropStart`: keep the first samples; a short clip gets zeros appended (the same samples as
///   `pad`, named for configurations that describe the long-clip policy).
/// - `cropCentre`: keep the centre window; a short clip is centred between zeros.
/// - `tile3`: tile the clip three times, then cut; clips shorter than a third of the length stay
///   shorter (the reference implementation's rule, so a 0.5 s clip gives 1.5 s of samples).
public enum FitRule: String, Codable, CaseIterable, Sendable {
    /// Loop until long enough, then cut.
    case `repeat`
    /// Append zeros, or cut.
    case pad
    /// Keep the first samples, or append zeros.
    case cropStart = "crop-start"
    /// Keep the centre window, or centre the clip between zeros.
    case cropCentre = "crop-centre"
    /// Tile three times, then cut (may stay short).
    case tile3

    /// Decodes a rule name, naming the accepted names when the value is unknown.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let rule = FitRule(rawValue: name) else {
            let known = FitRule.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown fit rule \"\(name)\"; expected one of \(known)")
        }
        self = rule
    }
}
