import Foundation

/// Pearson's χ² goodness-of-fit statistic and its upper-tail probability, for the sampler tests.
enum ChiSquare {
    /// `Σ (observed − expected)² / expected` over the cells, and the degrees of freedom
    /// (cells − 1). Every expected count must be positive.
    static func statistic(observed: [Int], expected: [Double]) -> (value: Double, freedom: Int) {
        var value = 0.0
        for (count, mean) in zip(observed, expected) {
            let difference = Double(count) - mean
            value += difference * difference / mean
        }
        return (value, observed.count - 1)
    }

    /// `P(X ≥ x)` for X ~ χ²(k): the regularized upper incomplete gamma `Q(k/2, x/2)`.
    static func survival(_ x: Double, freedom: Int) -> Double {
        guard x > 0 else { return 1 }
        let a = Double(freedom) / 2, z = x / 2
        let logPrefactor = a * log(z) - z - lgamma(a)
        if z < a + 1 {
            // P(a, z) = e^{−z} z^a / Γ(a) · Σ_n z^n / (a (a+1) … (a+n)).
            var term = 1 / a, sum = term, denominator = a
            for _ in 0..<10_000 {
                denominator += 1
                term *= z / denominator
                sum += term
                if term < sum * 1e-16 { break }
            }
            return 1 - exp(logPrefactor) * sum
        }
        // Q(a, z) = e^{−z} z^a / Γ(a) · 1 / (z + 1 − a − 1·(1 − a) / (z + 3 − a − …)), evaluated
        // by the modified Lentz method.
        let tiny = 1e-300
        var b = z + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        for n in 1..<10_000 {
            let an = -Double(n) * (Double(n) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            fraction *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return exp(logPrefactor) * fraction
    }
}
