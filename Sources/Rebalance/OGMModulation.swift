import Foundation
import Tensor

// LIMITATION: the paper writes the GE noise as N(0, Σ_sgd), the covariance of the stochastic
// gradient; like the reference code, one scalar deviation per tensor (its values' sample
// standard deviation) stands in for it — per-sample gradients would be needed for Σ_sgd.
// LIMITATION: two modalities only — the discrepancy ratio is defined for a pair.

/// On-the-fly gradient modulation, OGM and OGM-GE (Peng et al., CVPR 2022), for two modalities.
///
/// Per step, with `s_m = Σ_i softmax(z_m)_i[y_i]` over the batch, `r_1 = s_1 / s_0` and
/// `r_0 = 1 / r_1`: the modality with `r > 1` is dominant and its encoder's convolution-weight
/// gradients are scaled by `k = 1 − tanh(α·r)`; the other's keep `k = 1`. With generalization
/// enhancement (GE) every one of those gradients (both modalities) then gets Gaussian noise whose
/// standard deviation is the gradient's own (sample standard deviation over the tensor, plus
/// 1e-8).
public struct OGMModulation: Sendable {
    /// Where the paper and the reference code differ.
    public enum Variant: String, Codable, CaseIterable, Sendable {
        /// The paper: `k` applies only where `r > 1` (at `r = 1` neither modality is scaled) and
        /// the GE noise has the standard deviation of the gradient before scaling, `σ(g)`.
        case paper
        /// The reference code as first published: at `r_1 = 1` the audio side (modality 0) is
        /// scaled, and the gradient is scaled in place before the noise is drawn, so the noise
        /// has the standard deviation of the scaled gradient, `k·σ(g)`.
        case code
    }

    /// The modulation strength α (0.8 for CREMA-D, 0.1 for VGGSound-like data).
    public var alpha: Double
    /// Whether Gaussian noise is added (OGM-GE) or not (OGM).
    public var addsNoise: Bool
    /// Paper or reference-code behaviour.
    public var variant: Variant

    /// The constant added to every noise standard deviation.
    public static let noiseFloor = 1e-8

    /// Makes a modulation.
    public init(alpha: Double = 0.8, addsNoise: Bool, variant: Variant = .paper) {
        self.alpha = alpha
        self.addsNoise = addsNoise
        self.variant = variant
    }

    /// One step's discrepancy ratios `r_m` and coefficients `k_m`, modality order.
    public struct Coefficients: Equatable, Sendable {
        /// `r_0 = s_0 / s_1` and `r_1 = s_1 / s_0`.
        public let ratios: [Double]
        /// `k_m`: 1 − tanh(α·r_m) for the dominant modality, 1 for the other.
        public let coefficients: [Double]
    }

    /// The coefficients of one batch from the two modalities' uni-modal logits.
    ///
    /// A ratio that is NaN (both scores zero, or a label outside `0..<K`) modulates nothing.
    ///
    /// - Parameters:
    ///   - logits: per modality, row-major `[B, K]` uni-modal logits.
    ///   - labels: the `B` class indices.
    ///   - classCount: `K`.
    /// - Throws: `RebalanceError` when there are not exactly two modalities.
    public func coefficients(logits: [[Float]], labels: [Int],
                             classCount: Int) throws -> Coefficients {
        guard logits.count == 2 else {
            throw RebalanceError(parameter: "ogm", reason: "OGM needs exactly two modalities, "
                                 + "got \(logits.count)")
        }
        let scores = logits.map {
            Self.trueClassScore(logits: $0, labels: labels, classCount: classCount)
        }
        let second = scores[1] / scores[0]
        let ratios = [1 / second, second]
        guard !second.isNaN else { return Coefficients(ratios: ratios, coefficients: [1, 1]) }

        var coefficients = [1.0, 1.0]
        if second > 1 {
            coefficients[1] = 1 - tanh(alpha * second)
        } else if ratios[0] > 1 || variant == .code {
            coefficients[0] = 1 - tanh(alpha * max(0, ratios[0]))
        }
        return Coefficients(ratios: ratios, coefficients: coefficients)
    }

    /// `Σ_i softmax(z)_i[y_i]` in Float64 (NaN for a label outside `0..<K` or mismatched sizes).
    public static func trueClassScore(logits: [Float], labels: [Int], classCount: Int) -> Double {
        guard classCount > 0, logits.count == labels.count * classCount else { return .nan }
        var total = 0.0
        for (row, label) in labels.enumerated() {
            guard (0..<classCount).contains(label) else { return .nan }
            let start = row * classCount
            var largest = -Double.infinity
            for k in 0..<classCount { largest = max(largest, Double(logits[start + k])) }
            var sum = 0.0
            for k in 0..<classCount { sum += exp(Double(logits[start + k]) - largest) }
            total += exp(Double(logits[start + label]) - largest) / sum
        }
        return total
    }

    /// Scales (and with GE, perturbs) the gradients of each modality's parameters in place.
    ///
    /// - Parameters:
    ///   - coefficients: `k_m` per modality.
    ///   - parameters: per modality, the encoder's convolution weights.
    ///   - generator: the source of the noise.
    public func apply<Generator: RandomNumberGenerator>(
        coefficients: [Double], to parameters: [[Parameter]], using generator: inout Generator
    ) {
        for (modality, group) in parameters.enumerated() {
            let factor = modality < coefficients.count ? coefficients[modality] : 1
            for parameter in group {
                let spread = addsNoise ? Self.sampleStandardDeviation(parameter.grad) : 0
                parameter.grad.withUnsafeMutableBufferPointer { values in
                    let scale = Float(factor)
                    if scale != 1 {
                        for index in values.indices { values[index] *= scale }
                    }
                    guard addsNoise else { return }
                    let deviation = (variant == .code ? abs(factor) * spread : spread)
                        + Self.noiseFloor
                    Self.addNoise(values, deviation: deviation, using: &generator)
                }
            }
        }
    }

    /// The sample standard deviation (divisor n − 1, as `torch.std`) in Float64; 0 below two
    /// values.
    public static func sampleStandardDeviation(_ values: [Float]) -> Double {
        guard values.count >= 2 else { return 0 }
        var sum = 0.0
        for value in values { sum += Double(value) }
        let mean = sum / Double(values.count)
        var squares = 0.0
        for value in values {
            let difference = Double(value) - mean
            squares += difference * difference
        }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// Adds independent N(0, deviation²) draws to every value (Box–Muller, both values of each
    /// pair used).
    static func addNoise<Generator: RandomNumberGenerator>(
        _ values: UnsafeMutableBufferPointer<Float>, deviation: Double,
        using generator: inout Generator
    ) {
        var index = 0
        while index < values.count {
            let radius = (-2 * log(UnitSelection.openUnitInterval(using: &generator)))
                .squareRoot() * deviation
            let angle = 2 * Double.pi * UnitSelection.openUnitInterval(using: &generator)
            values[index] += Float(radius * cos(angle))
            if index + 1 < values.count { values[index + 1] += Float(radius * sin(angle)) }
            index += 2
        }
    }
}
