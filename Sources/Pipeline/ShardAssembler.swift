import Cache
import Media

/// Turns a shard's prepared samples into HDF5 datasets (DESIGN.md's shard schema): `label`,
/// then the datasets of each input of the configuration in its order (audio, frames, image,
/// text).
enum ShardAssembler {
    /// `label` int64 [N] and each input's columns.
    static func columns(of samples: [PreparedSample], config: PipelineConfig) -> [ShardColumn] {
        var columns = [
            ShardColumn(name: "label", shape: [samples.count], values: .int64(samples.map {
                Int64($0.label) }), attributes: ["axes": "sample",
                                                "units": "index into the root attribute classes"]),
        ]
        for input in config.inputs {
            switch input {
            case .audio: columns.append(audioColumn(of: samples, config: config))
            case .frames: columns += frameColumns(of: samples, config: config)
            case .image: columns.append(ImageTextColumns.image(of: samples, config: config))
            case .text: columns += ImageTextColumns.text(of: samples, config: config)
            }
        }
        return columns
    }

    /// `audio` float32 [N, F, T].
    private static func audioColumn(of samples: [PreparedSample],
                                    config: PipelineConfig) -> ShardColumn {
        let bins = samples.first?.audio?.bins ?? config.audio.binCount
        let times = samples.first?.audio?.frames ?? config.audio.frameCount
        var audio = [Float]()
        audio.reserveCapacity(samples.count * bins * times)
        for sample in samples {
            audio.append(contentsOf: sample.audio?.values ?? [])
        }
        return ShardColumn(name: "audio", shape: [samples.count, bins, times],
                           values: .float32(audio),
                           attributes: ["axes": "sample,frequency,time",
                                        "units": "log(|STFT| + offset)"])
    }

    /// `frames` uint8 [N, T, H, W, 3] padded with zeros to the shard's largest frame count,
    /// and `frame_count` int32 [N].
    private static func frameColumns(of samples: [PreparedSample],
                                     config: PipelineConfig) -> [ShardColumn] {
        let count = samples.count
        let height = config.frames.height, width = config.frames.width
        let longest = max(1, samples.map { $0.frames?.count ?? 0 }.max() ?? 1)
        let frameBytes = height * width * 3
        var frames = [UInt8](repeating: 0, count: count * longest * frameBytes)
        for (index, sample) in samples.enumerated() {
            guard let clip = sample.frames else { continue }
            let start = index * longest * frameBytes
            frames.withUnsafeMutableBytes { target in
                clip.pixels.withUnsafeBytes { source in
                    let length = min(source.count, longest * frameBytes)
                    guard length > 0, let from = source.baseAddress,
                          let to = target.baseAddress else { return }
                    (to + start).copyMemory(from: from, byteCount: length)
                }
            }
        }
        return [
            ShardColumn(name: "frames", shape: [count, longest, height, width, 3],
                        values: .uint8(frames),
                        attributes: ["axes": "sample,frame,height,width,channel",
                                     "units": "8-bit RGB intensity",
                                     "layout": "RGB, zero-padded after frame_count"]),
            ShardColumn(name: "frame_count", shape: [count],
                        values: .int32(samples.map { Int32($0.frames?.count ?? 0) }),
                        attributes: ["axes": "sample", "units": "frames before the padding"]),
        ]
    }
}
