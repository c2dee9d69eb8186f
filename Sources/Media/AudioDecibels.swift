import Foundation

/// The decibel scale of the `db` output: librosa's `power_to_db(S, ref, amin, top_db)`.
public struct AudioDecibels: Codable, Equatable, Sendable {
    /// What 0 dB stands for.
    public enum Reference: Equatable, Sendable {
        /// The largest value of each spectrogram (librosa's `ref=np.max`).
        case max
        /// A fixed power (librosa's default `ref=1.0`).
        case value(Double)
    }

    /// The reference power (JSON `ref`: `"max"` or a positive number), 1.0 by default.
    public var reference: Reference
    /// The smallest power before the log (JSON `amin`), 1e-10 by default.
    public var amin: Double
    /// How far below the peak values are floored (JSON `top_db`), 80 by default; nil
    /// (JSON `null`) keeps every value.
    public var topDB: Double?

    /// librosa's defaults: `ref=1.0`, `amin=1e-10`, `top_db=80`.
    public init(reference: Reference = .value(1), amin: Double = 1e-10, topDB: Double? = 80) {
        self.reference = reference
        self.amin = amin
        self.topDB = topDB
    }

    /// What is wrong with the values, or nil.
    public var problem: String? {
        if case .value(let ref) = reference, !(ref > 0 && ref.isFinite) {
            return "db.ref must be \"max\" or a positive number, found \(ref)"
        }
        if !(amin > 0 && amin.isFinite) { return "db.amin must be positive, found \(amin)" }
        if let topDB, !(topDB >= 0 && topDB.isFinite) {
            return "db.top_db must be null or non-negative, found \(topDB)"
        }
        return nil
    }

    /// Converts powers in place: `10 log10(max(amin, x))` minus the reference in dB, computed
    /// in Float64 and rounded once; then `max(x, peak - top_db)` over the whole spectrogram.
    func apply(to values: UnsafeMutableBufferPointer<Float>) {
        let refPower: Double
        switch reference {
        case .max: refPower = Double(values.max() ?? 0)
        case .value(let ref): refPower = ref
        }
        let offset = 10 * log10(Swift.max(amin, abs(refPower)))
        var peak = -Float.infinity
        for i in values.indices {
            let db = Float(10 * log10(Swift.max(amin, Double(values[i]))) - offset)
            values[i] = db
            peak = Swift.max(peak, db)
        }
        guard let topDB else { return }
        let floor = peak - Float(topDB)
        for i in values.indices where values[i] < floor { values[i] = floor }
    }
}

// MARK: - Codable

extension AudioDecibels {
    enum CodingKeys: String, CodingKey {
        case reference = "ref"
        case amin
        case topDB = "top_db"
    }

    /// Decodes `{"ref": "max" | number, "amin": number, "top_db": number | null}`; missing keys
    /// keep librosa's defaults.
    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.reference) {
            if let name = try? c.decode(String.self, forKey: .reference) {
                guard name == "max" else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .reference, in: c,
                        debugDescription: "db.ref must be \"max\" or a number, found \"\(name)\"")
                }
                reference = .max
            } else {
                reference = .value(try c.decode(Double.self, forKey: .reference))
            }
        }
        amin = try c.decodeIfPresent(Double.self, forKey: .amin) ?? amin
        if c.contains(.topDB) {
            topDB = try c.decodeNil(forKey: .topDB) ? nil : c.decode(Double.self, forKey: .topDB)
        }
    }

    /// Encodes every key; `top_db` as `null` when disabled.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch reference {
        case .max: try c.encode("max", forKey: .reference)
        case .value(let ref): try c.encode(ref, forKey: .reference)
        }
        try c.encode(amin, forKey: .amin)
        if let topDB {
            try c.encode(topDB, forKey: .topDB)
        } else {
            try c.encodeNil(forKey: .topDB)
        }
    }
}
