/// A mel filter bank as `librosa.filters.mel` builds it (JSON object `mel` of the audio
/// config): `n_mels` triangular filters between `fmin` and `fmax` on the Slaney mel scale
/// (librosa's default) or the HTK one, area-normalised (`norm: "slaney"`) or not (`"none"`).
public struct MelConfig: Codable, Equatable, Sendable {
    /// Filter count (JSON `n_mels`), 128 by default.
    public var nMels: Int
    /// Lowest frequency in Hz (JSON `fmin`), 0 by default.
    public var fmin: Double
    /// Highest frequency in Hz (JSON `fmax`); nil means half the sample rate.
    public var fmax: Double?
    /// Whether to use the HTK mel formula instead of Slaney's (JSON `htk`), false by default.
    public var htk: Bool
    /// Filter normalisation (JSON `norm`): `slaney` (each filter's area is 1 per Hz, librosa's
    /// default) or `none` (peak 1).
    public var norm: String

    /// The normalisations the filter bank understands.
    // LIMITATION: librosa's p-norm normalisations (norm=1, 2, inf) are not offered — papers in
    // this field use Slaney's area normalisation or none.
    public static let norms = ["slaney", "none"]

    /// librosa's defaults: 128 filters from 0 Hz to Nyquist, Slaney scale and normalisation.
    public init(nMels: Int = 128, fmin: Double = 0, fmax: Double? = nil, htk: Bool = false,
                norm: String = "slaney") {
        self.nMels = nMels
        self.fmin = fmin
        self.fmax = fmax
        self.htk = htk
        self.norm = norm
    }

    /// The upper edge for a sample rate: `fmax`, or half of `sampleRate`.
    public func upperHz(sampleRate: Int) -> Double { fmax ?? Double(sampleRate) / 2 }

    /// What is wrong with the values at `sampleRate`, or nil.
    public func problem(sampleRate: Int) -> String? {
        if nMels < 1 || nMels > 4096 { return "mel.n_mels must be in 1...4096, found \(nMels)" }
        let top = upperHz(sampleRate: sampleRate)
        if !(fmin >= 0 && fmin.isFinite) { return "mel.fmin must be ≥ 0, found \(fmin)" }
        if !(top > fmin && top.isFinite) {
            return "mel.fmax must be finite and above fmin (\(fmin)), found \(top)"
        }
        if !MelConfig.norms.contains(norm) {
            return "mel.norm must be one of " + MelConfig.norms.joined(separator: ", ")
                + ", found \"\(norm)\""
        }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case nMels = "n_mels", fmin, fmax, htk, norm
    }

    /// Decodes a filter bank; missing keys keep librosa's defaults.
    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nMels = try c.decodeIfPresent(Int.self, forKey: .nMels) ?? nMels
        fmin = try c.decodeIfPresent(Double.self, forKey: .fmin) ?? fmin
        fmax = try c.decodeIfPresent(Double.self, forKey: .fmax)
        htk = try c.decodeIfPresent(Bool.self, forKey: .htk) ?? htk
        norm = try c.decodeIfPresent(String.self, forKey: .norm) ?? norm
    }
}
