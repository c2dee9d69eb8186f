import Foundation

/// How fast `ShardStream` delivers training batches from a cache folder: reading, frame
/// picking, RandomResizedCrop + flip, normalisation and collation on the prefetch thread,
/// with nothing consuming but the loop that takes the batches.
public enum LoaderBenchmark {
    /// Clips per second over `passes` training epochs of the train split (the best pass).
    ///
    /// - Throws: `TrainingError` for an unreadable cache.
    public static func samplesPerSecond(cacheFolder: String, batchSize: Int,
                                        framesPerClip: Int = 1, passes: Int = 2,
                                        seed: UInt64 = 42) throws -> Double {
        let data = try TrainingData(cacheFolder: cacheFolder)
        let stream = ShardStream(source: data.train, configuration: .init(
            batchSize: batchSize, framesPerClip: framesPerClip, training: true, seed: seed))
        var best = 0.0
        for pass in 1...max(1, passes) {
            let started = Date()
            let epoch = stream.epoch(pass)
            var clips = 0
            while let batch = try epoch.next() { clips += batch.count }
            epoch.close()
            let seconds = Date().timeIntervalSince(started)
            if seconds > 0 { best = max(best, Double(clips) / seconds) }
        }
        return best
    }
}
