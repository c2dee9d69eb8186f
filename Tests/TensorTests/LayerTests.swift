import Models
import Tensor
import XCTest

/// Each layer's forward and backward against PyTorch (float64 reference, see
/// tools/ref/torch_fixtures.py). Errors are max |ours − torch| / max |torch| per tensor.
///
/// Tolerances: a float32 result of a sum of K products carries a rounding error of order
/// √K·2⁻²⁴ ≈ 1e-6 for the K ≤ 150 terms here; PyTorch's own float32 results are ≤ 4e-7 off
/// the float64 reference in these groups. 1e-5 leaves room for a different summation order and
/// still fails on any indexing, stride or padding mistake (those give errors of order 1).
final class LayerTests: XCTestCase {
    let tolerance = 1e-5

    override func tearDown() {
        BLAS.setThreads(2)
        super.tearDown()
    }

    /// Batches of 2 run their images on two threads, or on one with OpenBLAS threads; the
    /// batch-1 case always takes the single-image path.
    func testConv2DForwardAndBackwardMatchTorch() throws {
        let fixture = try Fixture("conv")
        let cases = [("k3s2p1", 3, 2, 1), ("k7s2p3", 7, 2, 3), ("k1s2p0", 1, 2, 0),
                     ("k3s1p1", 3, 1, 1)]
        for threads in [2, 1] {
            BLAS.setThreads(threads)
            try checkConvolutions(fixture: fixture, cases: cases)
        }
    }

    private func checkConvolutions(fixture: Fixture,
                                   cases: [(String, Int, Int, Int)]) throws {
        for (name, kernel, stride, padding) in cases {
            let x = fixture.tensor(name + ".x"), w = fixture.tensor(name + ".w")
            var generator = SeededGenerator(seed: 1)
            let conv = Conv2D(name: name, inChannels: w.shape[1], outChannels: w.shape[0],
                              kernel: kernel, stride: stride, padding: padding,
                              generator: &generator)
            conv.weight.value = w.data

            let y = conv.forward(x)
            let dx = conv.backward(fixture.tensor(name + ".dy"))

            assertClose(y, fixture.tensor(name + ".y"), tolerance: tolerance, name + " y")
            assertClose(dx ?? Tensor(zeros: [0]), fixture.tensor(name + ".dx"),
                        tolerance: tolerance, name + " dx")
            assertClose(Tensor(shape: w.shape, data: conv.weight.grad),
                        fixture.tensor(name + ".dw"), tolerance: tolerance, name + " dw")
        }
    }

    func testConv2DAccumulatesWeightGradientAndCanSkipInputGradient() throws {
        let fixture = try Fixture("conv")
        let x = fixture.tensor("k3s2p1.x"), w = fixture.tensor("k3s2p1.w")
        var generator = SeededGenerator(seed: 1)
        let conv = Conv2D(name: "c", inChannels: 3, outChannels: 4, kernel: 3, stride: 2,
                          padding: 1, computesInputGradient: false, generator: &generator)
        conv.weight.value = w.data

        _ = conv.forward(x)
        XCTAssertNil(conv.backward(fixture.tensor("k3s2p1.dy")))
        _ = conv.forward(x)
        conv.backward(fixture.tensor("k3s2p1.dy"))

        let twice = fixture.tensor("k3s2p1.dw").data.map { 2 * $0 }
        XCTAssertLessThanOrEqual(scaledError(conv.weight.grad, twice), tolerance)
    }

    func testBatchNormTrainEvalAndRunningStatisticsMatchTorch() throws {
        let fixture = try Fixture("batchnorm")
        let bn = BatchNorm2D(name: "bn", channels: 4)
        bn.gamma.value = fixture.tensor("gamma").data
        bn.beta.value = fixture.tensor("beta").data
        bn.runningMean = fixture.tensor("running_mean_before").data
        bn.runningVariance = fixture.tensor("running_var_before").data

        let y = bn.forward(fixture.tensor("x"), training: true)
        let dx = bn.backward(fixture.tensor("dy"))
        assertClose(y, fixture.tensor("y"), tolerance: tolerance, "train y")
        assertClose(dx, fixture.tensor("dx"), tolerance: tolerance, "train dx")
        assertClose(Tensor(shape: [4], data: bn.gamma.grad), fixture.tensor("dgamma"),
                    tolerance: tolerance, "dgamma")
        assertClose(Tensor(shape: [4], data: bn.beta.grad), fixture.tensor("dbeta"),
                    tolerance: tolerance, "dbeta")
        assertClose(Tensor(shape: [4], data: bn.runningMean), fixture.tensor("running_mean"),
                    tolerance: tolerance, "running mean")
        assertClose(Tensor(shape: [4], data: bn.runningVariance),
                    fixture.tensor("running_var"), tolerance: tolerance, "running var")

        bn.gamma.zeroGrad()
        bn.beta.zeroGrad()
        let runningMean = bn.runningMean, runningVariance = bn.runningVariance
        let yEval = bn.forward(fixture.tensor("x"), training: false)
        let dxEval = bn.backward(fixture.tensor("dy_eval"))
        assertClose(yEval, fixture.tensor("y_eval"), tolerance: tolerance, "eval y")
        assertClose(dxEval, fixture.tensor("dx_eval"), tolerance: tolerance, "eval dx")
        assertClose(Tensor(shape: [4], data: bn.gamma.grad), fixture.tensor("dgamma_eval"),
                    tolerance: tolerance, "eval dgamma")
        assertClose(Tensor(shape: [4], data: bn.beta.grad), fixture.tensor("dbeta_eval"),
                    tolerance: tolerance, "eval dbeta")
        XCTAssertEqual(bn.runningMean, runningMean, "evaluation moved the running mean")
        XCTAssertEqual(bn.runningVariance, runningVariance, "evaluation moved the variance")
    }

    func testGELUMatchesTorchExactGELU() throws {
        let fixture = try Fixture("gelu")
        let gelu = GELU()
        let y = gelu.forward(fixture.tensor("x"))
        let dx = gelu.backward(fixture.tensor("dy"))

        // erff/expf are accurate to a few ulp; 1e-6 of the largest value (9) is ~70 ulp there,
        // while the tanh approximation of GELU is off by up to 5e-4 and would fail.
        assertClose(y, fixture.tensor("y"), tolerance: 1e-6, "gelu y")
        assertClose(dx, fixture.tensor("dx"), tolerance: 1e-6, "gelu dx")
    }

    func testMaxPoolMatchesTorchExactly() throws {
        let fixture = try Fixture("maxpool")
        for name in ["odd", "even"] {
            let pool = MaxPool2D(kernel: 3, stride: 2, padding: 1)
            let y = pool.forward(fixture.tensor(name + ".x"))
            let dx = pool.backward(fixture.tensor(name + ".dy"))

            // Selection copies values: exact with no ties in random data. Overlapping 3×3
            // windows at stride 2 can pick one pixel twice, whose two dy values are then added
            // in float32 (one rounding, ≤ 2⁻²⁴ relative) against a float64 reference.
            assertClose(y, fixture.tensor(name + ".y"), tolerance: 0, name + " y")
            assertClose(dx, fixture.tensor(name + ".dx"), tolerance: 1e-7, name + " dx")
        }
    }

    func testLinearMatchesTorch() throws {
        let fixture = try Fixture("linear")
        let x = fixture.tensor("x"), w = fixture.tensor("w"), b = fixture.tensor("b")
        let dy = fixture.tensor("dy")
        var y = Tensor(zeros: [4, 5]), dx = Tensor(zeros: [4, 7])
        var dw = [Float](repeating: 0, count: 35), db = [Float](repeating: 0, count: 5)

        LinearKernel.forward(output: &y.data, input: x.data, weight: w.data, weightStride: 7,
                             bias: b.data, batch: 4, inFeatures: 7, outFeatures: 5)
        LinearKernel.backward(dInput: &dx.data, dWeight: &dw, dBias: &db, dOutput: dy.data,
                              input: x.data, weight: w.data, weightStride: 7,
                              batch: 4, inFeatures: 7, outFeatures: 5)

        assertClose(y, fixture.tensor("y"), tolerance: tolerance, "linear y")
        assertClose(dx, fixture.tensor("dx"), tolerance: tolerance, "linear dx")
        assertClose(Tensor(shape: [5, 7], data: dw), fixture.tensor("dw"),
                    tolerance: tolerance, "linear dw")
        assertClose(Tensor(shape: [5], data: db), fixture.tensor("db"),
                    tolerance: tolerance, "linear db")
    }

    func testCrossEntropyMatchesTorch() throws {
        let fixture = try Fixture("crossentropy")
        let logits = fixture.tensor("logits"), labels = fixture.ints("labels")

        let (loss, grad) = CrossEntropy.forward(logits: logits, labels: labels)
        let perSample = CrossEntropy.perSample(logits: logits, labels: labels)

        // Computed in Float64 inside; the last row (logits near 80) overflows a naive exp.
        assertClose(Tensor(shape: [1], data: [loss]), fixture.tensor("loss"), tolerance: 1e-6,
                    "loss")
        assertClose(grad, fixture.tensor("grad"), tolerance: 1e-6, "grad")
        assertClose(Tensor(shape: [6], data: perSample), fixture.tensor("per_sample"),
                    tolerance: 1e-6, "per-sample")
    }

    func testGlobalAveragePoolByHand() {
        // Two planes of 2×3: means 3.5 and −1; backward spreads dy/6.
        let x: [Float] = [1, 2, 3, 4, 5, 6, -1, -1, -1, -1, -1, -1]
        var y = [Float](repeating: 0, count: 2), dx = [Float](repeating: 9, count: 12)

        GlobalAveragePoolKernel.forward(output: &y, input: x, rows: 2, plane: 6)
        GlobalAveragePoolKernel.backward(dInput: &dx, dOutput: [6, -12], rows: 2, plane: 6)

        XCTAssertEqual(y, [3.5, -1])
        XCTAssertEqual(dx, [Float](repeating: 1, count: 6) + [Float](repeating: -2, count: 6))
    }
}
