#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A deterministic random number generator: xoshiro256** seeded through SplitMix64.
///
/// The same seed gives the same sequence on every machine. `nextNormal` uses the Box–Muller
/// transform and returns both values of each pair in turn.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Float?

    /// Makes a generator whose whole state is derived from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var mixer = seed
        state = (Self.splitMix(&mixer), Self.splitMix(&mixer),
                 Self.splitMix(&mixer), Self.splitMix(&mixer))
        spareNormal = nil
    }

    /// The whole state as five words (four xoshiro words, then the pending normal's bit
    /// pattern with bit 32 set when there is one), for checkpoints.
    public var snapshot: [UInt64] {
        let spare = spareNormal.map { UInt64($0.bitPattern) | (1 << 32) } ?? 0
        return [state.0, state.1, state.2, state.3, spare]
    }

    /// Restores a generator from `snapshot`; nil unless it holds five words and a non-zero
    /// xoshiro state.
    public init?(snapshot: [UInt64]) {
        guard snapshot.count == 5, snapshot[0...3].contains(where: { $0 != 0 }) else {
            return nil
        }
        state = (snapshot[0], snapshot[1], snapshot[2], snapshot[3])
        let spare = snapshot[4]
        spareNormal = spare & (1 << 32) != 0
            ? Float(bitPattern: UInt32(truncatingIfNeeded: spare)) : nil
    }

    /// One SplitMix64 step: advances `value` by the golden-ratio increment and mixes it.
    private static func splitMix(_ value: inout UInt64) -> UInt64 {
        value &+= 0x9E37_79B9_7F4A_7C15
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let shifted = state.1 << 17

        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, by: 45)
        return result
    }

    /// A uniform value in [0, 1) with 24 random bits (every Float32 step of 2⁻²⁴).
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A standard normal value (mean 0, variance 1) by the Box–Muller transform.
    ///
    /// Each pair of uniforms u₁ ∈ (0, 1], u₂ ∈ [0, 1) gives r = √(−2 ln u₁) and θ = 2πu₂;
    /// r·cos θ is returned now and r·sin θ on the next call. Computed in Float64.
    public mutating func nextNormal() -> Float {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }

        let u1 = (Double(next() >> 11) + 1) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareNormal = Float(radius * sin(angle))
        return Float(radius * cos(angle))
    }

    private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}
