import Foundation
import Tensor
import XCTest

/// The vectorizable exp and erf used by GELU, against the C library in Float64.
final class FastMathTests: XCTestCase {
    func testExpRelativeErrorAcrossTheFloatRange() {
        // Degree-7 Taylor on |r| ≤ ln2/2 truncates below 6e-9; float32 evaluation adds a few
        // ulp (2⁻²⁴ ≈ 6e-8 each).
        var worst = 0.0
        for step in 0...35_000 {
            let x = Float(-87 + Double(step) * 175 / 35_000)
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(FastMath.exp(x)) - exact) / exact)
        }
        XCTAssertLessThan(worst, 4e-7)
    }

    func testErfAbsoluteErrorAndOddness() {
        // Abramowitz & Stegun 7.1.26 is accurate to 1.4e-7 (worst near |x| = 0.045); in float32
        // 1 − P(t)·t·e^(−x²) cancels there and adds up to ~3e-7 (measured 4.4e-7 in all).
        // GELU scales this by x/2, so its own error stays below 1e-7 of its value range.
        var worst = 0.0
        for step in 0...20_000 {
            let x = Float(-6 + Double(step) * 12 / 20_000)
            worst = max(worst, abs(Double(FastMath.erf(x)) - Foundation.erf(Double(x))))
            XCTAssertEqual(FastMath.erf(-x), -FastMath.erf(x))
        }
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertEqual(FastMath.erf(10), 1)
        XCTAssertEqual(FastMath.erfAndGaussian(1.5).gaussian, Float(Foundation.exp(-2.25)),
                       accuracy: 1e-7)
    }
}
