import Foundation

/// Farnebäck's polynomial expansion of a gray image: at every pixel, the weighted least-squares
/// fit f(x, y) ≈ c + bx·x + by·y + axx·x² + ayy·y² + axy·x·y over the (2n + 1)² neighbours
/// (x, y ∈ −n…n), weighted by the separable Gaussian applicability g(x)·g(y) of σ, the image
/// extended by its edge pixels. The constant c is not kept.
///
/// The weighted correlations with the six basis functions are separable (a vertical pass with
/// g, y·g, y²·g, then a horizontal one); the normal equations' Gram matrix is block diagonal
/// for a symmetric applicability (1, x², y² couple; x, y and xy stand alone), so each
/// coefficient is a fixed combination of the correlations.
struct PolynomialExpansion {
    /// Coefficients per pixel, in this order.
    static let components = 5
    /// Neighbourhood radius n.
    let radius: Int
    /// g(−n…n), normalised to sum 1.
    private let weights: [Float]
    /// 1 / Σ g·x² (the bx and by coefficients).
    private let linear: Double
    /// 1 / Σ g·x²·y² (the axy coefficient).
    private let cross: Double
    /// Row 1 (x²) of the inverse of the Gram block over (1, x², y²): the weights of
    /// (Σ g·f, Σ g·x²·f, Σ g·y²·f) in axx (ayy swaps the last two).
    private let quadratic: (Double, Double, Double)

    /// Makes the expansion of radius `radius` (≥ 1) with the applicability's σ (> 0).
    init(radius: Int, sigma: Double) {
        self.radius = radius
        var g = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = g.reduce(0, +)
        g = g.map { $0 / total }
        weights = g.map { Float($0) }

        // 1-D moments s_k = Σ g(i)·i^k; the 2-D ones are products of two of them.
        let moment = { (power: Int) -> Double in
            zip(-radius...radius, g).reduce(0) { $0 + pow(Double($1.0), Double(power)) * $1.1 }
        }
        let (s0, s2, s4) = (moment(0), moment(2), moment(4))
        linear = 1 / (s0 * s2)
        cross = 1 / (s2 * s2)
        let block = [[s0 * s0, s0 * s2, s0 * s2],
                     [s0 * s2, s0 * s4, s2 * s2],
                     [s0 * s2, s2 * s2, s0 * s4]]
        let inverse = Self.inverse3(block)
        quadratic = (inverse[1][0], inverse[1][1], inverse[1][2])
    }

    /// The coefficients (bx, by, axx, ayy, axy) of every pixel of the width×height `image`,
    /// row-major, five per pixel.
    func expand(_ image: [Float], width: Int, height: Int) -> [Float] {
        let n = radius
        var output = [Float](repeating: 0, count: width * height * Self.components)
        // One row of vertical correlations (with g, y·g, y²·g), padded by n on both sides.
        var row = [Float](repeating: 0, count: (width + 2 * n) * 3)
        image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                row.withUnsafeMutableBufferPointer { line in
                    for y in 0..<height {
                        verticalPass(source, y: y, width: width, height: height, into: line)
                        horizontalPass(line, y: y, width: width, into: out)
                    }
                }
            }
        }
        return output
    }

    /// Fills `line[(x + n)·3 …]` with Σ_k g(k)·f(x, y + k), Σ k·g(k)·f, Σ k²·g(k)·f (rows
    /// clamped to the image), then copies the edge columns into the padding.
    private func verticalPass(_ source: UnsafeBufferPointer<Float>, y: Int, width: Int,
                              height: Int, into line: UnsafeMutableBufferPointer<Float>) {
        let n = radius
        let centre = weights[n]
        for x in 0..<width {
            let at = (x + n) * 3
            line[at] = source[y * width + x] * centre
            line[at + 1] = 0
            line[at + 2] = 0
        }
        for k in stride(from: 1, through: n, by: 1) {
            let g = weights[n + k], kg = Float(k) * g, kkg = Float(k * k) * g
            let above = max(y - k, 0) * width, below = min(y + k, height - 1) * width
            for x in 0..<width {
                let up = source[above + x], down = source[below + x]
                let at = (x + n) * 3
                line[at] += g * (up + down)
                line[at + 1] += kg * (down - up)
                line[at + 2] += kkg * (up + down)
            }
        }
        for pad in 0..<n {
            for c in 0..<3 {
                line[pad * 3 + c] = line[n * 3 + c]
                line[(width + n + pad) * 3 + c] = line[(width + n - 1) * 3 + c]
            }
        }
    }

    /// The coefficients of row `y` from its vertical correlations.
    private func horizontalPass(_ line: UnsafeMutableBufferPointer<Float>, y: Int, width: Int,
                                into out: UnsafeMutableBufferPointer<Float>) {
        let n = radius
        let (q0, q1, q2) = quadratic
        for x in 0..<width {
            let at = (x + n) * 3
            let centre = Double(weights[n])
            var plain = Double(line[at]) * centre        // Σ g·f
            var withX = 0.0                              // Σ g·x·f
            var withY = Double(line[at + 1]) * centre    // Σ g·y·f
            var withXX = 0.0                             // Σ g·x²·f
            var withYY = Double(line[at + 2]) * centre   // Σ g·y²·f
            var withXY = 0.0                             // Σ g·x·y·f
            for k in stride(from: 1, through: n, by: 1) {
                let g = Double(weights[n + k]), kf = Double(k)
                let right = at + 3 * k, left = at - 3 * k
                let sum0 = Double(line[right] + line[left])
                plain += g * sum0
                withXX += g * kf * kf * sum0
                withX += g * kf * Double(line[right] - line[left])
                withY += g * Double(line[right + 1] + line[left + 1])
                withXY += g * kf * Double(line[right + 1] - line[left + 1])
                withYY += g * Double(line[right + 2] + line[left + 2])
            }
            let to = (y * width + x) * Self.components
            out[to] = Float(withX * linear)
            out[to + 1] = Float(withY * linear)
            out[to + 2] = Float(q0 * plain + q1 * withXX + q2 * withYY)
            out[to + 3] = Float(q0 * plain + q1 * withYY + q2 * withXX)
            out[to + 4] = Float(withXY * cross)
        }
    }

    /// The inverse of a non-singular 3×3 matrix by its adjugate.
    private static func inverse3(_ m: [[Double]]) -> [[Double]] {
        let cofactor = { (r: Int, c: Int) -> Double in
            let rows = [0, 1, 2].filter { $0 != r }, cols = [0, 1, 2].filter { $0 != c }
            let minor = m[rows[0]][cols[0]] * m[rows[1]][cols[1]]
                - m[rows[0]][cols[1]] * m[rows[1]][cols[0]]
            return (r + c) % 2 == 0 ? minor : -minor
        }
        let determinant = (0..<3).reduce(0.0) { $0 + m[0][$1] * cofactor(0, $1) }
        return (0..<3).map { r in (0..<3).map { c in cofactor(c, r) / determinant } }
    }
}
