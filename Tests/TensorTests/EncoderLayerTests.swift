import Models
import Tensor
import XCTest

/// The text-encoder layers against PyTorch (float64 references from
/// tools/ref/encoder_fixtures.py); errors are max |ours − torch| / max |torch| per tensor.
///
/// Tolerance 1e-4·max|ref|, as the encoder's parity bound: the float32 sums here have at most
/// a few dozen terms (rounding ~1e-6 of scale), PyTorch's own float32 results are ≤ 1e-6 off
/// these references, and an indexing, masking or transposition mistake gives errors of order
/// 1e-1 to 1.
final class EncoderLayerTests: XCTestCase {
    let tolerance = 1e-4

    override func tearDown() {
        BLAS.setThreads(2)
        super.tearDown()
    }

    func testLayerNormForwardAndBackwardMatchTorch() throws {
        let fixture = try Fixture("layernorm")
        for name in ["eps5", "eps12"] {
            let norm = LayerNorm(name: "ln", width: 16, epsilon: Float(fixture.scalar(name)))
            norm.gamma.value = fixture.tensor(name + ".gamma").data
            norm.beta.value = fixture.tensor(name + ".beta").data

            let y = norm.forward(fixture.tensor(name + ".x"))
            let dx = norm.backward(fixture.tensor(name + ".dy"))

            assertClose(y, fixture.tensor(name + ".y"), tolerance: tolerance, name + " y")
            assertClose(dx, fixture.tensor(name + ".dx"), tolerance: tolerance, name + " dx")
            assertClose(Tensor(shape: [16], data: norm.gamma.grad),
                        fixture.tensor(name + ".dgamma"), tolerance: tolerance, name + " dγ")
            assertClose(Tensor(shape: [16], data: norm.beta.grad),
                        fixture.tensor(name + ".dbeta"), tolerance: tolerance, name + " dβ")
        }
    }

    /// Row 3 has masked entries at float32's lowest: their probabilities must be exactly 0.
    func testSoftmaxForwardAndBackwardMatchTorch() throws {
        let fixture = try Fixture("softmax")
        let x = fixture.tensor("x"), dy = fixture.tensor("dy")
        var y = x, dx = x
        x.data.withUnsafeBufferPointer { input in
            y.data.withUnsafeMutableBufferPointer { output in
                SoftmaxKernel.forward(output: output.baseAddress!, input: input.baseAddress!,
                                      rows: 5, width: 9)
            }
        }
        y.data.withUnsafeBufferPointer { output in
            dy.data.withUnsafeBufferPointer { gradOut in
                dx.data.withUnsafeMutableBufferPointer { gradIn in
                    SoftmaxKernel.backward(dInput: gradIn.baseAddress!,
                                           dOutput: gradOut.baseAddress!,
                                           output: output.baseAddress!, rows: 5, width: 9)
                }
            }
        }

        assertClose(y, fixture.tensor("y"), tolerance: tolerance, "softmax y")
        assertClose(dx, fixture.tensor("dx"), tolerance: tolerance, "softmax dx")
        XCTAssertEqual(Array(y.data[(3 * 9 + 5)..<(4 * 9)]), [0, 0, 0, 0])
    }

    func testEmbeddingLookupAndGradientMatchTorch() throws {
        let fixture = try Fixture("embedding")
        var generator = SeededGenerator(seed: 3)
        let table = Embedding(name: "emb", count: 10, width: 6, paddingIndex: 0,
                              generator: &generator)
        XCTAssertEqual(Array(table.weight.value[0..<6]), [0, 0, 0, 0, 0, 0], "padding row")
        table.weight.value = fixture.tensor("weight").data
        let ids = fixture.ints("ids").map { Int32($0) }

        let y = table.forward(ids)
        table.backward(fixture.tensor("dy"))

        assertClose(y, fixture.tensor("y"), tolerance: 0, "lookup")
        assertClose(Tensor(shape: [10, 6], data: table.weight.grad), fixture.tensor("dweight"),
                    tolerance: tolerance, "dweight")
        XCTAssertFalse(table.contains([0, 10]))
        XCTAssertTrue(table.contains([0, 9]))
    }

    /// Linear on a rank-3 input ([2, 2, 7] rows of the linear fixture's [4, 7]).
    func testLinearMatchesTorchOnLeadingBatchAxes() throws {
        let fixture = try Fixture("linear")
        var generator = SeededGenerator(seed: 1)
        let linear = Linear(name: "fc", inFeatures: 7, outFeatures: 5, generator: &generator)
        linear.weight.value = fixture.tensor("w").data
        linear.bias.value = fixture.tensor("b").data
        let x = fixture.tensor("x"), dy = fixture.tensor("dy")

        let y = linear.forward(Tensor(shape: [2, 2, 7], data: x.data))
        let dx = linear.backward(Tensor(shape: [2, 2, 5], data: dy.data))

        XCTAssertEqual(y.shape, [2, 2, 5])
        assertClose(Tensor(shape: [4, 5], data: y.data), fixture.tensor("y"),
                    tolerance: tolerance, "y")
        assertClose(Tensor(shape: [4, 7], data: dx.data), fixture.tensor("dx"),
                    tolerance: tolerance, "dx")
        assertClose(Tensor(shape: [5, 7], data: linear.weight.grad), fixture.tensor("dw"),
                    tolerance: tolerance, "dw")
        assertClose(Tensor(shape: [5], data: linear.bias.grad), fixture.tensor("db"),
                    tolerance: tolerance, "db")
    }

    /// Every projection's gradient; the key bias's is zero in exact arithmetic (softmax does
    /// not change when a constant is added to a row), so it is held to 1e-4 of the key
    /// weight's gradient instead. Run on one and two threads.
    func testMultiHeadAttentionMatchesTorch() throws {
        let fixture = try Fixture("attention")
        for threads in [1, 2] {
            BLAS.setThreads(threads)
            var generator = SeededGenerator(seed: 1)
            let attention = MultiHeadAttention(name: "att", width: 16, heads: 4, dropout: 0,
                                               generator: &generator)
            let layers = [attention.query, attention.key, attention.value, attention.output]
            for (linear, letter) in zip(layers, ["q", "k", "v", "o"]) {
                linear.weight.value = fixture.tensor("w" + letter).data
                linear.bias.value = fixture.tensor("b" + letter).data
            }
            let mask = fixture.ints("mask").map { UInt8($0) }
            let x = Tensor(shape: [10, 16], data: fixture.tensor("x").data)

            let y = attention.forward(x, additiveMask: MultiHeadAttention.additiveMask(mask),
                                      batch: 2, length: 5, training: true)
            let dx = attention.backward(Tensor(shape: [10, 16], data: fixture.tensor("dy").data))

            let label = "\(threads) threads"
            assertClose(Tensor(shape: [2, 5, 16], data: y.data), fixture.tensor("y"),
                        tolerance: tolerance, "\(label) y")
            assertClose(Tensor(shape: [2, 5, 16], data: dx.data), fixture.tensor("dx"),
                        tolerance: tolerance, "\(label) dx")
            for (linear, letter) in zip(layers, ["q", "k", "v", "o"]) {
                assertClose(Tensor(shape: [16, 16], data: linear.weight.grad),
                            fixture.tensor("dw" + letter), tolerance: tolerance,
                            "\(label) dw\(letter)")
                if letter == "k" {
                    let scale = fixture.tensor("dwk").data.map { abs($0) }.max() ?? 0
                    let largest = linear.bias.grad.map { abs($0) }.max() ?? 0
                    XCTAssertLessThanOrEqual(Double(largest), tolerance * Double(scale))
                } else {
                    assertClose(Tensor(shape: [16], data: linear.bias.grad),
                                fixture.tensor("db" + letter), tolerance: tolerance,
                                "\(label) db\(letter)")
                }
            }
        }
    }

    /// Heads are masked as units: Q, K, V row blocks and output column blocks.
    func testAttentionDeclaresHeadsAsMaskableUnits() {
        var generator = SeededGenerator(seed: 1)
        let attention = MultiHeadAttention(name: "att", width: 16, heads: 4, dropout: 0.1,
                                           generator: &generator)
        let groups = attention.maskableGroups(modality: 2)
        XCTAssertEqual(groups.count, 4)
        XCTAssertTrue(groups.allSatisfy { $0.modality == 2 })
        XCTAssertTrue(groups[0].parameter === attention.query.weight)
        XCTAssertTrue(groups[3].parameter === attention.output.weight)
        for group in groups.prefix(3) {
            guard case .leadingAxis(let units) = group.layout else {
                return XCTFail("Q/K/V heads must be row blocks")
            }
            XCTAssertEqual(units, 4)
        }
        guard case .trailingAxis(let units) = groups[3].layout else {
            return XCTFail("output heads must be column blocks")
        }
        XCTAssertEqual(units, 4)
    }

    /// Inverted dropout: values are 0 or x/(1 − p), about p of them 0 (p = 0.25 on 40 000
    /// values: the dropped fraction's standard deviation is 0.002, the bound 0.01 is 5σ);
    /// backward applies the same mask; evaluation and p = 0 are the identity; same seed, same
    /// masks.
    func testDropoutMasksScalesAndRepeatsWithItsSeed() {
        let x = Tensor(shape: [40_000], data: (0..<40_000).map { Float($0 % 13) + 1 })
        let dropout = Dropout(probability: 0.25, seed: 9)
        let y = dropout.forward(x, training: true)
        let dy = Tensor(shape: [40_000], data: [Float](repeating: 2, count: 40_000))
        let dx = dropout.backward(dy)

        var dropped = 0
        for k in 0..<x.count {
            if y.data[k] == 0 {
                dropped += 1
                XCTAssertEqual(dx.data[k], 0)
            } else {
                XCTAssertEqual(y.data[k], x.data[k] / 0.75, accuracy: 1e-5)
                XCTAssertEqual(dx.data[k], 2 / 0.75, accuracy: 1e-6)
            }
        }
        XCTAssertEqual(Double(dropped) / 40_000, 0.25, accuracy: 0.01)

        let again = Dropout(probability: 0.25, seed: 9).forward(x, training: true)
        XCTAssertEqual(again.data, y.data)
        let next = dropout.forward(x, training: true)
        XCTAssertNotEqual(next.data, y.data, "the second call must draw a new mask")
        XCTAssertEqual(dropout.forward(x, training: false).data, x.data)
        XCTAssertEqual(dropout.backward(dy).data, dy.data)
        XCTAssertEqual(Dropout(probability: 0, seed: 1).forward(x, training: true).data, x.data)
    }
}
