import Models
import Tensor
import XCTest

/// transformers' BertLayer and BertModel (tiny random configurations, see
/// tools/ref/encoder_fixtures.py) against TransformerLayer and TextEncoder: forward, input
/// and every parameter gradient, max |Δ| ≤ 1e-4·max|ref| per tensor.
///
/// The attention key bias's gradient is zero in exact arithmetic; it is held to 1e-4 of the
/// key weight gradient's scale instead.
final class TextEncoderTests: XCTestCase {
    let tolerance = 1e-4

    /// The tiny BertModel of the fixture, dropout 0.
    private let tinyConfig = TextEncoderConfig(
        vocabularySize: 40, hiddenSize: 16, layerCount: 2, headCount: 4, intermediateSize: 24,
        maxPositions: 12, tokenTypeCount: 2, layerNormEpsilon: 1e-12, hiddenDropout: 0,
        attentionDropout: 0)

    func testTransformerLayerMatchesTransformersBertLayer() throws {
        let fixture = try Fixture("bertlayer")
        var generator = SeededGenerator(seed: 1)
        let layer = TransformerLayer(name: "layer", width: 16, heads: 4, intermediateWidth: 24,
                                     hiddenDropout: 0, attentionDropout: 0,
                                     layerNormEpsilon: 1e-12, generator: &generator)
        load(layer.parameters, prefix: "layer.", from: fixture)
        let mask = fixture.ints("mask").map { UInt8($0) }

        let y = layer.forward(Tensor(shape: [10, 16], data: fixture.tensor("x").data),
                              additiveMask: MultiHeadAttention.additiveMask(mask), batch: 2,
                              length: 5, training: true)
        let dx = layer.backward(Tensor(shape: [10, 16], data: fixture.tensor("dy").data))

        assertClose(Tensor(shape: [2, 5, 16], data: y.data), fixture.tensor("y"),
                    tolerance: tolerance, "y")
        assertClose(Tensor(shape: [2, 5, 16], data: dx.data), fixture.tensor("dx"),
                    tolerance: tolerance, "dx")
        checkGradients(layer.parameters, prefix: "layer.", key: "grad.", fixture: fixture)
    }

    /// [CLS], masked-mean and pooler features, the last hidden states, and every gradient of
    /// sum(feature·dy), with token types and padded sequences.
    func testTextEncoderMatchesTransformersBertModel() throws {
        let fixture = try Fixture("bertmodel")
        let ids = fixture.ints("ids").map { Int32($0) }
        let mask = fixture.ints("mask").map { UInt8($0) }
        let types = fixture.ints("types").map { Int32($0) }
        for pooling in TextPooling.allCases {
            let encoder = TextEncoder(name: "text", config: tinyConfig, pooling: pooling,
                                      seed: 5)
            load(encoder.parameters, prefix: "text.", from: fixture)

            let features = try encoder.forward(tokens: ids, mask: mask, batch: 3, length: 7,
                                               tokenTypes: types, training: true)
            encoder.backward(fixture.tensor("dy"))

            let name = pooling.rawValue
            assertClose(features, fixture.tensor(name + ".feature"), tolerance: tolerance,
                        name + " feature")
            assertClose(encoder.lastHiddenStates ?? Tensor(zeros: [0]),
                        fixture.tensor("last_hidden_state"), tolerance: tolerance,
                        name + " hidden states")
            checkGradients(encoder.parameters, prefix: "text.", key: name + ".grad.",
                           fixture: fixture)
        }
    }

    /// The from-scratch configuration: BERT initialisation, every head declared, a finite
    /// forward/backward, and the same seed giving the same weights.
    func testSmallConfigurationInitialisesAndTrains() throws {
        let config = TextEncoderConfig.small(vocabularySize: 100, maxPositions: 32)
        XCTAssertEqual([config.layerCount, config.hiddenSize, config.headCount], [2, 128, 4])
        let encoder = TextEncoder(config: config, pooling: .mean, modality: 1, seed: 7)
        XCTAssertEqual(encoder.featureCount, 128)
        XCTAssertEqual(encoder.maskableGroups.count, 2 * 4)
        XCTAssertTrue(encoder.maskableGroups.allSatisfy { $0.modality == 1 })
        let names = Set(encoder.parameters.map(\.name))
        XCTAssertEqual(names.count, encoder.parameters.count, "parameter names are unique")
        XCTAssertTrue(names.contains("text.encoder.layer.1.attention.self.query.weight"))

        let word = encoder.embeddings.words.weight.value
        XCTAssertEqual(Array(word[0..<128]), [Float](repeating: 0, count: 128), "[PAD] row")
        let spread = standardDeviation(Array(word[128...]))
        XCTAssertEqual(spread, 0.02, accuracy: 0.001, "N(0, 0.02²) embeddings")
        XCTAssertEqual(encoder.layers[0].attentionNorm.gamma.value.first, 1)
        XCTAssertEqual(encoder.layers[0].intermediate.bias.value.allSatisfy { $0 == 0 }, true)
        let twin = TextEncoder(config: config, pooling: .mean, modality: 1, seed: 7)
        XCTAssertEqual(twin.parameters.map(\.value), encoder.parameters.map(\.value))

        let tokens: [Int32] = [2, 50, 51, 3, 0, 0, 2, 9, 99, 98, 97, 3]
        let mask: [UInt8] = [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]
        let features = try encoder.forward(tokens: tokens, mask: mask, batch: 2, length: 6,
                                           training: true)
        XCTAssertEqual(features.shape, [2, 128])
        encoder.backward(Tensor(shape: [2, 128], data: [Float](repeating: 1, count: 256)))
        XCTAssertTrue(encoder.parameters.allSatisfy { $0.grad.allSatisfy(\.isFinite) })
        let queryGrad = encoder.layers[0].attention.query.weight.grad
        XCTAssertGreaterThan(queryGrad.map { abs($0) }.max() ?? 0, 0, "gradient reaches Q")
    }

    func testBadInputsAreTypedErrors() {
        let encoder = TextEncoder(config: tinyConfig, seed: 1)
        XCTAssertThrowsError(try encoder.forward(tokens: [2, 40], mask: [1, 1], batch: 1,
                                                 length: 2, training: false)) { error in
            XCTAssertEqual(error as? TextEncoderError,
                           .tokenOutOfRange(id: 40, index: 1, vocabularySize: 40))
        }
        XCTAssertThrowsError(try encoder.forward(tokens: [2, 3], mask: [1], batch: 1,
                                                 length: 2, training: false)) { error in
            XCTAssertEqual(error as? TextEncoderError,
                           .shapeMismatch(what: "attention mask", count: 1, batch: 1,
                                          length: 2))
        }
        let long = [Int32](repeating: 1, count: 13)
        XCTAssertThrowsError(try encoder.forward(tokens: long, mask: long.map { _ in 1 },
                                                 batch: 1, length: 13, training: false)) {
            XCTAssertEqual($0 as? TextEncoderError, .sequenceTooLong(length: 13, maxPositions: 12))
        }
        XCTAssertThrowsError(try encoder.forward(tokens: [2, 3], mask: [1, 1], batch: 1,
                                                 length: 2, tokenTypes: [0, 2],
                                                 training: false)) {
            XCTAssertEqual($0 as? TextEncoderError,
                           .tokenTypeOutOfRange(type: 2, index: 1, typeCount: 2))
        }
    }

    private func load(_ parameters: [Parameter], prefix: String, from fixture: Fixture) {
        for parameter in parameters {
            let value = fixture.tensor("param." + parameter.name.dropFirst(prefix.count))
            XCTAssertEqual(value.shape, parameter.shape, parameter.name)
            parameter.value = value.data
        }
    }

    private func checkGradients(_ parameters: [Parameter], prefix: String, key: String,
                                fixture: Fixture, file: StaticString = #filePath,
                                line: UInt = #line) {
        for parameter in parameters {
            let name = String(parameter.name.dropFirst(prefix.count))
            let actual = Tensor(shape: parameter.shape, data: parameter.grad)
            if name.hasSuffix("attention.self.key.bias") {
                let weight = key + name.replacingOccurrences(of: ".bias", with: ".weight")
                let scale = fixture.tensor(weight).data.map { abs($0) }.max() ?? 0
                let largest = parameter.grad.map { abs($0) }.max() ?? 0
                XCTAssertLessThanOrEqual(Double(largest), tolerance * Double(scale), name,
                                         file: file, line: line)
            } else {
                assertClose(actual, fixture.tensor(key + name), tolerance: tolerance, name,
                            file: file, line: line)
            }
        }
    }

    private func standardDeviation(_ values: [Float]) -> Double {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let squares = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
        return (squares / Double(values.count)).squareRoot()
    }
}
