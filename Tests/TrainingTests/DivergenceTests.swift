import Foundation
import XCTest
@testable import Training

/// A non-finite loss stops training with a reason instead of writing NaN metrics.
final class DivergenceTests: XCTestCase {
    func testNonFiniteInputStopsWithAReason() throws {
        var clips = SyntheticClips.clips(count: 32, classes: 2, seed: 5, prefix: "nan")
        for index in clips.indices {
            var audio = clips[index].audio
            audio[0] = .nan
            clips[index] = ClipSample(id: clips[index].id, label: clips[index].label,
                                      audio: audio, frames: clips[index].frames,
                                      frameCount: clips[index].frameCount)
        }
        let source = try InMemoryClipSource(location: "nan", clips: clips,
                                            audioShape: SyntheticClips.audioShape,
                                            frameShape: SyntheticClips.frameShape, shardSize: 16)
        let data = try TrainingData(classes: ["a", "b"], configKey: "nan", cacheFolder: "memory",
                                    train: source, valid: nil,
                                    test: try SyntheticClips.source("test", count: 16, classes: 2,
                                                                    seed: 6))
        var options = TrainOptions(out: SyntheticClips.temporaryFolder("nan"))
        options.epochs = 2
        options.batchSize = 16
        options.width = 1.0 / 16
        options.threads = 1
        XCTAssertThrowsError(try Trainer(data: data, options: options).run { _ in }) { error in
            XCTAssertTrue("\(error)".contains("diverged in epoch 1"), "\(error)")
        }
        let metrics = (try? String(contentsOfFile: options.out + "/metrics.jsonl",
                                   encoding: .utf8)) ?? ""
        XCTAssertFalse(metrics.contains("nan"), "no NaN metrics line is written")
    }
}
