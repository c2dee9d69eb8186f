import Foundation

/// The batch statistics behind the keep ratios, all computed in Float64 (nats).
public enum ModalSignificance {
    /// `s_m = −mean CE(z_m, y)`: the negative mean cross-entropy of uni-modal logits.
    ///
    /// - Parameters:
    ///   - logits: row-major `[B, K]` uni-modal logits.
    ///   - classCount: `K`.
    ///   - labels: `B` class indices; an index outside `0..<K` makes the result NaN, which the
    ///     keep-ratio rule turns into the neutral ratio 0.5.
    public static func significance(logits: [Float], classCount: Int, labels: [Int]) -> Double {
        guard !labels.isEmpty, classCount > 0, logits.count == labels.count * classCount else {
            return .nan
        }

        var total = 0.0
        for (row, label) in labels.enumerated() {
            guard (0..<classCount).contains(label) else { return .nan }
            let start = row * classCount
            let rowLogits = logits[start..<(start + classCount)].map(Double.init)
            total += logSumExp(rowLogits) - rowLogits[label]
        }
        return -total / Double(labels.count)
    }

    /// `H_m`: the batch mean of the entropy of `softmax(f)` taken over the feature dimensions.
    ///
    /// - Parameters:
    ///   - features: row-major `[B, F]` feature vectors.
    ///   - featureCount: `F`.
    public static func featureEntropy(features: [Float], featureCount: Int) -> Double {
        guard featureCount > 0, !features.isEmpty, features.count % featureCount == 0 else {
            return .nan
        }

        let rowCount = features.count / featureCount
        var total = 0.0
        for row in 0..<rowCount {
            let start = row * featureCount
            let values = features[start..<(start + featureCount)].map(Double.init)
            let normaliser = logSumExp(values)
            var entropy = 0.0
            for value in values {
                let logProbability = value - normaliser
                entropy -= exp(logProbability) * logProbability
            }
            total += entropy
        }
        return total / Double(rowCount)
    }

    /// `H_Y`: the entropy of the batch's label histogram `p_k = n_k / B`.
    ///
    /// With `compat` it is the reference's `CrossEntropy(p, p) = logsumexp(p) − Σ p²` over a
    /// histogram as long as the largest label present plus one (the length `bincount` gives).
    /// Labels outside `0..<classCount` (or negative ones under `compat`) give NaN.
    public static func labelEntropy(labels: [Int], classCount: Int, compat: Bool) -> Double {
        guard !labels.isEmpty, labels.allSatisfy({ $0 >= 0 }) else { return .nan }
        let binCount = compat ? (labels.max() ?? 0) + 1 : classCount
        guard labels.allSatisfy({ $0 < binCount }) else { return .nan }

        var histogram = [Double](repeating: 0, count: binCount)
        for label in labels { histogram[label] += 1 }
        let probabilities = histogram.map { $0 / Double(labels.count) }

        if compat {
            let squares = probabilities.reduce(0.0) { $0 + $1 * $1 }
            return logSumExp(probabilities) - squares
        }
        return probabilities.reduce(0.0) { $0 - ($1 > 0 ? $1 * log($1) : 0) }
    }

    /// `H_Y` as the reference's image–text code computes it, in bits:
    /// `−Σ p_k log2(p_k + 1e-8)` over the histogram of the labels present (bins without a label
    /// add nothing). A negative label gives NaN.
    public static func labelEntropyBits(labels: [Int]) -> Double {
        guard let largest = labels.max(), labels.allSatisfy({ $0 >= 0 }) else { return .nan }

        var histogram = [Double](repeating: 0, count: largest + 1)
        for label in labels { histogram[label] += 1 }
        return histogram.reduce(0.0) { total, count in
            let probability = count / Double(labels.count)
            return total - probability * log2(probability + 1e-8)
        }
    }

    /// `log Σ exp(x_i)`, shifted by the maximum for stability.
    static func logSumExp(_ values: [Double]) -> Double {
        if values.contains(where: { $0.isNaN }) { return .nan }
        guard let largest = values.max(), largest.isFinite else {
            return values.max() ?? -.infinity
        }
        let sum = values.reduce(0.0) { $0 + exp($1 - largest) }
        return largest + log(sum)
    }
}
