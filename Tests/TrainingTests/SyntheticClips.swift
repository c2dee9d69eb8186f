import Foundation
import Tensor
@testable import Training

/// Synthetic audio–visual clips where the spectrogram reveals the class and the frames do not
/// (or only weakly).
///
/// Class c lights up frequency rows `[c·F/K, (c+1)·F/K)` of the spectrogram by `audioSignal` on
/// top of unit Gaussian noise. Frames are uniform noise, with an optional faint class-dependent
/// brightness shift of `visualSignal` grey levels on the red channel.
enum SyntheticClips {
    static let audioShape = [16, 16]
    static let frameShape = [16, 16]

    static func clips(count: Int, classes: Int, seed: UInt64, prefix: String,
                      audioSignal: Float = 0.8, visualSignal: Float = 0,
                      frameSlots: Int = 3) -> [ClipSample] {
        var generator = SeededGenerator(seed: seed)
        let rows = audioShape[0], columns = audioShape[1]
        let band = rows / classes
        let frameValues = frameShape[0] * frameShape[1] * 3
        return (0..<count).map { index in
            let label = index % classes
            var audio = (0..<(rows * columns)).map { _ in generator.nextNormal() }
            for row in (label * band)..<((label + 1) * band) {
                for column in 0..<columns { audio[row * columns + column] += audioSignal }
            }
            let frameCount = 1 + index % frameSlots
            var frames = [UInt8](repeating: 0, count: frameSlots * frameValues)
            for position in 0..<(frameCount * frameValues) {
                var value = 64 + 128 * generator.nextFloat()
                if position % 3 == 0 { value += visualSignal * Float(label) }
                frames[position] = UInt8(max(0, min(255, value)))
            }
            return ClipSample(id: "\(prefix)-\(index)", label: label, audio: audio,
                              frames: frames, frameCount: frameCount)
        }
    }

    static func source(_ name: String, count: Int, classes: Int, seed: UInt64,
                       visualSignal: Float = 0, shardSize: Int = 40) throws
        -> InMemoryClipSource {
        try InMemoryClipSource(location: name,
                               clips: clips(count: count, classes: classes, seed: seed,
                                            prefix: name, visualSignal: visualSignal),
                               audioShape: audioShape, frameShape: frameShape,
                               shardSize: shardSize)
    }

    static func data(classes: Int = 4, train: Int = 192, test: Int = 64,
                     valid: Int? = nil) throws -> TrainingData {
        let names = (0..<classes).map { "class\($0)" }
        return try TrainingData(
            classes: names, configKey: "synthetic", cacheFolder: "memory",
            train: try source("train", count: train, classes: classes, seed: 1),
            valid: try valid.map { try source("valid", count: $0, classes: classes, seed: 3) },
            test: try source("test", count: test, classes: classes, seed: 2))
    }

    /// A fresh path for `name` under the temporary folder; every such folder of this process
    /// is removed when it exits.
    static func temporaryFolder(_ name: String) -> String {
        _ = removedAtExit
        let path = NSTemporaryDirectory() + folderPrefix + name
        try? FileManager.default.removeItem(atPath: path)
        return path
    }

    /// What this process's temporary folders' names start with.
    private static var folderPrefix: String { "amss-training-tests-\(getpid())-" }

    /// Registers, once, an exit handler that removes this process's temporary folders (some
    /// hold caches of a few hundred megabytes, which would pile up run after run).
    private static let removedAtExit: Bool = {
        atexit {
            let manager = FileManager.default
            let base = NSTemporaryDirectory()
            let names = (try? manager.contentsOfDirectory(atPath: base)) ?? []
            for name in names where name.hasPrefix(SyntheticClips.folderPrefix) {
                try? manager.removeItem(atPath: base + name)
            }
        }
        return true
    }()
}
