import Cache
import Media

/// Turns a shard's prepared samples into HDF5 datasets (DESIGN.md's shard schema).
enum ShardAssembler {
    /// `label` int64 [N], `audio` float32 [N, F, T], `frames` uint8 [N, T, H, W, 3] padded with
    /// zeros to the shard's largest frame count, `frame_count` int32 [N].
    static func columns(of samples: [PreparedSample], config: PipelineConfig) -> [ShardColumn] {
        let count = samples.count
        let bins = samples.first?.audio.bins ?? config.audio.binCount
        let times = samples.first?.audio.frames ?? config.audio.frameCount
        let height = config.frames.height, width = config.frames.width
        let longest = max(1, samples.map(\.frames.count).max() ?? 1)
        let frameBytes = height * width * 3

        var audio = [Float]()
        audio.reserveCapacity(count * bins * times)
        var frames = [UInt8](repeating: 0, count: count * longest * frameBytes)
        for (index, sample) in samples.enumerated() {
            audio.append(contentsOf: sample.audio.values)
            let start = index * longest * frameBytes
            frames.withUnsafeMutableBytes { target in
                sample.frames.pixels.withUnsafeBytes { source in
                    let length = min(source.count, longest * frameBytes)
                    guard length > 0, let from = source.baseAddress,
                          let to = target.baseAddress else { return }
                    (to + start).copyMemory(from: from, byteCount: length)
                }
            }
        }

        return [
            ShardColumn(name: "label", shape: [count], values: .int64(samples.map {
                Int64($0.label) }), attributes: ["axes": "sample",
                                                "units": "index into the root attribute classes"]),
            ShardColumn(name: "audio", shape: [count, bins, times], values: .float32(audio),
                        attributes: ["axes": "sample,frequency,time",
                                     "units": "log(|STFT| + offset)"]),
            ShardColumn(name: "frames", shape: [count, longest, height, width, 3],
                        values: .uint8(frames),
                        attributes: ["axes": "sample,frame,height,width,channel",
                                     "units": "8-bit RGB intensity",
                                     "layout": "RGB, zero-padded after frame_count"]),
            ShardColumn(name: "frame_count", shape: [count],
                        values: .int32(samples.map { Int32($0.frames.count) }),
                        attributes: ["axes": "sample", "units": "frames before the padding"]),
        ]
    }
}
