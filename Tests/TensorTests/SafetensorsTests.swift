import Foundation
import Models
import XCTest

/// The safetensors reader and checkpoint loading on small files written here: values by
/// hand, and one typed error per kind of bad input, naming the file and the tensor.
final class SafetensorsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("amss-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes a safetensors file: (name, dtype, shape, raw little-endian bytes) per tensor.
    private func write(_ name: String, _ tensors: [(String, String, [Int], [UInt8])],
                       headerPadding: Int = 0) throws -> String {
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var data: [UInt8] = []
        for (tensor, dtype, shape, bytes) in tensors {
            header[tensor] = ["dtype": dtype, "shape": shape,
                              "data_offsets": [data.count, data.count + bytes.count]]
            data += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: headerPadding))
        var file = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
        file += json
        file += data
        let path = folder.appendingPathComponent(name).path
        try Data(file).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func float32Bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
    }

    private func uint16Bytes(_ values: [UInt16]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
    }

    /// F16 bit patterns by hand: 1, −2, 65504 (largest), 2⁻²⁴ (smallest subnormal), 2⁻¹⁴
    /// (smallest normal), 0.333251953125 (0x3555); BF16 = the top half of a float32: 1, −2.5,
    /// 3.140625 (0x4049).
    func testReadsFloat32Float16AndBFloat16Exactly() throws {
        let path = try write("values.safetensors", [
            ("a", "F32", [2, 2], float32Bytes([1.5, -2, 0.25, 1e-8])),
            ("h", "F16", [6], uint16Bytes([0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0400, 0x3555])),
            ("b", "BF16", [3], uint16Bytes([0x3F80, 0xC020, 0x4049])),
            ("i", "I64", [1], [UInt8](repeating: 0, count: 8)),
        ], headerPadding: 5)
        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.names, ["a", "b", "h", "i"])
        XCTAssertEqual(try file.floats("a", shape: [2, 2]), [1.5, -2, 0.25, 1e-8])
        XCTAssertEqual(try file.floats("h"), [1, -2, 65504, 0x1p-24, 0x1p-14, 0.333251953125])
        XCTAssertEqual(try file.floats("b"), [1, -2.5, 3.140625])
        XCTAssertEqual(SafetensorsFile.halfToFloat(0x7C00), .infinity)
        XCTAssertTrue(SafetensorsFile.halfToFloat(0x7E00).isNaN)
        XCTAssertEqual(SafetensorsFile.halfToFloat(0x8000).sign, .minus)
    }

    func testErrorsNameTheFileAndTheTensor() throws {
        let path = try write("model.safetensors", [
            ("w", "F32", [2, 3], float32Bytes([1, 2, 3, 4, 5, 6])),
            ("i", "I64", [1], [UInt8](repeating: 0, count: 8)),
        ])
        let file = try SafetensorsFile(path: path)
        XCTAssertThrowsError(try file.floats("missing")) {
            XCTAssertEqual($0 as? WeightsError, .missingTensor(path: path, name: "missing"))
            XCTAssertTrue("\($0)".contains(path) && "\($0)".contains("missing"))
        }
        XCTAssertThrowsError(try file.floats("w", shape: [3, 2])) {
            XCTAssertEqual($0 as? WeightsError,
                           .shapeMismatch(path: path, name: "w", expected: [3, 2], found: [2, 3]))
        }
        XCTAssertThrowsError(try file.floats("i")) {
            XCTAssertEqual($0 as? WeightsError,
                           .unsupportedDtype(path: path, name: "i", dtype: "I64"))
            XCTAssertTrue("\($0)".contains("'i'"))
        }
        let absent = folder.appendingPathComponent("absent.safetensors").path
        XCTAssertThrowsError(try SafetensorsFile(path: absent)) {
            XCTAssertEqual($0 as? WeightsError, .missingFile(path: absent))
        }
    }

    /// A header length past the end, a non-JSON header, and offsets outside the data.
    func testMalformedFilesAreRejected() throws {
        let short = folder.appendingPathComponent("short.safetensors")
        try Data([200, 0, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: short)
        let garbage = folder.appendingPathComponent("garbage.safetensors")
        try Data([3, 0, 0, 0, 0, 0, 0, 0, 0x41, 0x42, 0x43]).write(to: garbage)
        let outside = folder.appendingPathComponent("outside.safetensors")
        let json = Array(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#.utf8)
        try Data(withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json
                 + [UInt8](repeating: 0, count: 8)).write(to: outside)
        for url in [short, garbage, outside] {
            XCTAssertThrowsError(try SafetensorsFile(path: url.path)) { error in
                guard case .malformed(let path, _)? = error as? WeightsError else {
                    return XCTFail("\(url.lastPathComponent): \(error)")
                }
                XCTAssertEqual(path, url.path)
            }
        }
    }

    /// A tiny BERT checkpoint folder: loading by HuggingFace names (under `bert.` too), a
    /// missing file, a missing tensor, a wrong shape, an unsupported activation.
    func testCheckpointFolderLoadsByNameAndReportsProblems() throws {
        let config = TextEncoderConfig(vocabularySize: 8, hiddenSize: 4, layerCount: 1,
                                       headCount: 2, intermediateSize: 6, maxPositions: 5)
        let source = TextEncoder(config: config, seed: 11)
        let json = #"{"vocab_size": 8, "hidden_size": 4, "num_hidden_layers": 1,"#
            + #" "num_attention_heads": 2, "intermediate_size": 6,"#
            + #" "max_position_embeddings": 5, "hidden_act": "gelu"}"#
        try Data(json.utf8).write(to: folder.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try TextEncoder(checkpoint: folder.path)) {
            XCTAssertEqual($0 as? WeightsError, .missingFile(
                path: folder.appendingPathComponent("model.safetensors").path))
        }

        let tensors = source.parameters.map { parameter in
            ("bert." + parameter.name.dropFirst(5), "F32", parameter.shape,
             float32Bytes(parameter.value))
        }
        let path = try write("model.safetensors", tensors)
        let loaded = try TextEncoder(checkpoint: folder.path, seed: 99)
        XCTAssertEqual(loaded.config, config)
        XCTAssertEqual(loaded.parameters.map(\.value), source.parameters.map(\.value))

        _ = try write("model.safetensors", Array(tensors.dropLast()))
        XCTAssertThrowsError(try TextEncoder(checkpoint: folder.path)) {
            XCTAssertEqual($0 as? WeightsError, .missingTensor(
                path: path, name: "encoder.layer.0.output.LayerNorm.bias"))
        }
        var reshaped = tensors
        reshaped[0].2 = [4, 8]
        _ = try write("model.safetensors", reshaped)
        XCTAssertThrowsError(try TextEncoder(checkpoint: folder.path)) {
            XCTAssertEqual($0 as? WeightsError, .shapeMismatch(
                path: path, name: "bert.embeddings.word_embeddings.weight", expected: [8, 4],
                found: [4, 8]))
        }
        let relu = json.replacingOccurrences(of: "\"gelu\"", with: "\"relu\"")
        try Data(relu.utf8).write(to: folder.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try TextEncoder(checkpoint: folder.path)) {
            guard case .unsupportedConfig(let file, let reason)? = $0 as? WeightsError else {
                return XCTFail("\($0)")
            }
            XCTAssertTrue(file.hasSuffix("config.json") && reason.contains("relu"), reason)
        }
    }
}
