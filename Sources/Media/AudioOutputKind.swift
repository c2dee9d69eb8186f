/// What the audio stage stores for each STFT cell (or mel band) `S`.
///
/// With a mel filter bank, the bank is applied to `|S|` for `magnitude` and `log`, and to
/// `|S|²` for `power`, `log-power` and `db` (librosa's `melspectrogram` with `power` 1 or 2),
/// and the compression then applies to the mel bands.
public enum AudioOutputKind: String, Codable, CaseIterable, Sendable {
    /// `|S|`.
    case magnitude
    /// `|S|²`.
    case power
    /// `ln(|S| + log_offset)`, the log-magnitude (the default).
    case log
    /// `ln(|S|² + log_offset)`.
    case logPower = "log-power"
    /// `10 log10(max(amin, |S|²)) - 10 log10(max(amin, ref))`, floored at `max - top_db`:
    /// librosa's `power_to_db`, equal to `amplitude_to_db(|S|)` with `amin` squared.
    case db

    /// Whether the kind starts from `|S|²` rather than `|S|`.
    public var usesPower: Bool { self == .power || self == .logPower || self == .db }

    /// Decodes a kind name, naming the accepted names when the value is unknown.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let kind = AudioOutputKind(rawValue: name) else {
            let known = AudioOutputKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown output \"\(name)\"; expected one of \(known)")
        }
        self = kind
    }
}
