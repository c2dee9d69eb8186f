import Foundation
import Models
import XCTest
@testable import Training

/// The `best.ckpt` format: layout, round trip, typed errors on damaged files.
final class CheckpointTests: XCTestCase {
    private func save(_ name: String) throws -> (String, AudioVisualModel) {
        let model = AudioVisualModel(classCount: 3, width: 1.0 / 32, seed: 5)
        let folder = SyntheticClips.temporaryFolder(name)
        try FileManager.default.createDirectory(atPath: folder,
                                                withIntermediateDirectories: true)
        let path = folder + "/best.ckpt"
        try Checkpoint(model: model, epoch: 7, selectionSplit: "valid", selectionAccuracy: 55.5,
                       classes: ["x", "y", "z"], configKey: "key", options: TrainOptions(out: "o"))
            .write(to: path)
        return (path, model)
    }

    func testLayoutAndRoundTrip() throws {
        let (path, model) = try save("layout")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(bytes[0..<8]), Array("AMSSCKPT".utf8))
        XCTAssertEqual(Array(bytes[8..<12]), [1, 0, 0, 0])
        let headerLength = Int(UInt64(littleEndianBytes: bytes[12..<20]))
        let header = try JSONSerialization.jsonObject(with: Data(bytes[20..<(20 + headerLength)]))
        XCTAssertEqual((header as? [String: Any])?["epoch"] as? Int, 7)
        let valueCount = model.parameters.reduce(0) { $0 + $1.count }
            + (model.audio.buffers.values.reduce(0) { $0 + $1.count })
            + (model.visual.buffers.values.reduce(0) { $0 + $1.count })
        XCTAssertEqual(bytes.count, 20 + headerLength + 4 * valueCount)

        let checkpoint = try Checkpoint.read(from: path)
        XCTAssertEqual(checkpoint.header.selectionSplit, "valid")
        XCTAssertEqual(checkpoint.header.classes, ["x", "y", "z"])
        let other = AudioVisualModel(classCount: 3, width: 1.0 / 32, seed: 6)
        XCTAssertNotEqual(other.fusion.weight.value, model.fusion.weight.value)
        try checkpoint.load(into: other, path: path)
        for (a, b) in zip(model.parameters, other.parameters) {
            XCTAssertEqual(a.value, b.value, a.name)
        }
        XCTAssertEqual(other.audio.buffers, model.audio.buffers)
    }

    func testDamagedFilesAreTypedErrors() throws {
        let (path, _) = try save("damaged")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let truncated = path + ".short"
        try Data(bytes[0..<(bytes.count - 5)]).write(to: URL(fileURLWithPath: truncated))
        XCTAssertThrowsError(try Checkpoint.read(from: truncated)) { error in
            XCTAssertTrue((error as? TrainingError)?.reason.contains("past the end") ?? false)
        }
        let foreign = path + ".txt"
        try Data("hello world, not a checkpoint".utf8).write(to: URL(fileURLWithPath: foreign))
        XCTAssertThrowsError(try Checkpoint.read(from: foreign)) { error in
            XCTAssertEqual((error as? TrainingError)?.path, foreign)
        }
        let wrongModel = AudioVisualModel(classCount: 4, width: 1.0 / 32, seed: 5)
        XCTAssertThrowsError(try Checkpoint.read(from: path).load(into: wrongModel, path: path))
    }
}
