/// Mono samples already in memory, read as an `AudioStream`.
final class AudioSamplesStream: AudioStream {
    let path: String
    let sampleRate: Int
    let channels = 1
    var declaredFrames: Int? { samples.count }
    let formatName = "samples"
    let warnings: [AudioWarning] = []
    private let samples: [Float]
    private var position = 0

    /// Wraps `samples` at `sampleRate` Hz; `path` names them in errors.
    init(_ samples: [Float], sampleRate: Int, path: String) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.path = path
    }

    func readMono(into buffer: UnsafeMutablePointer<Float>, capacity: Int) throws -> Int {
        let count = min(capacity, samples.count - position)
        guard count > 0 else { return 0 }
        samples.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base + position, count: count) }
        }
        position += count
        return count
    }

    func noteEnd(framesRead: Int) {}
}
