import CSoxr

/// Several clips at one pair of rates resampled together by one multichannel libsoxr HQ
/// resampler, one clip per channel, so that the HQ filter is designed once for all of them
/// (libsoxr designs it per `soxr_create`, and `soxr_clear` designs it again).
///
/// libsoxr runs every channel through the same code with the same shared coefficients, and a
/// channel's output depends only on its own input; a clip shorter than the others is followed
/// by zeros, which is what libsoxr's flush feeds too. So each channel's first `target`
/// samples equal what a one-channel resampler returns for that clip: a flushed clip's whole
/// output when `target` is libsoxr's flush count (`flushCount`), or the samples that a
/// streaming resampler had returned once it had read the clip's samples.
enum ResamplerBatch {
    /// Input samples fed per channel per `soxr_process` call.
    static let feedFrames = 16_384

    /// The first `targets[c]` output samples of each of `inputs[c]` resampled `from` Hz → `to`
    /// Hz, each input followed by as many zeros as needed (calls `soxr_create` with split
    /// float32 io and `soxr_quality_spec(SOXR_HQ, 0)`, `soxr_process`, `soxr_delete`).
    static func resample(_ inputs: [[Float]], targets: [Int], from: Int, to: Int,
                         path: String) throws -> [[Float]] {
        let channels = inputs.count
        guard channels > 0 else { return [] }
        let soxr = try create(from: from, to: to, channels: channels, path: path)
        defer { soxr_delete(soxr) }

        let goal = targets.max() ?? 0
        let room = Int(Double(feedFrames) * Double(to) / Double(from)) + 1024
        let capacity = goal + room
        let input = UnsafeMutablePointer<Float>.allocate(capacity: channels * feedFrames)
        let output = UnsafeMutablePointer<Float>.allocate(capacity: channels * capacity)
        defer {
            input.deallocate()
            output.deallocate()
        }
        var inPointers = (0..<channels).map { UnsafeRawPointer(input + $0 * feedFrames) }
        var outPointers = [UnsafeMutableRawPointer?](repeating: nil, count: channels)
        var produced = 0
        var fed = 0

        while produced < goal {
            for c in 0..<channels {
                fill(input + c * feedFrames, from: inputs[c], at: fed)
            }
            var feed = feedFrames
            while true {
                for c in 0..<channels {
                    outPointers[c] = UnsafeMutableRawPointer(output + c * capacity + produced)
                }
                let space = capacity - produced
                var done = 0
                let error = inPointers.withUnsafeMutableBufferPointer { ins in
                    outPointers.withUnsafeMutableBufferPointer { outs in
                        soxr_process(soxr, UnsafeRawPointer(ins.baseAddress), feed, nil,
                                     UnsafeMutableRawPointer(outs.baseAddress), space, &done)
                    }
                }
                if let error {
                    throw MediaError(path: path, code: "resample-failed",
                                     reason: "soxr_process failed: " + String(cString: error))
                }
                produced += done
                feed = 0
                if done < space || produced >= capacity { break }
            }
            fed += feedFrames
        }
        return (0..<channels).map { c in
            Array(UnsafeBufferPointer(start: output + c * capacity, count: min(targets[c],
                                                                                produced)))
        }
    }

    /// How many output samples libsoxr's flush gives for `inputLength` input samples in
    /// total: `(int64)(n / (from / to) + 0.5)`, its rounding of the exact count.
    static func flushCount(inputLength n: Int, from: Int, to: Int) -> Int {
        Int(Double(n) / (Double(from) / Double(to)) + 0.5)
    }

    // MARK: - Internals

    /// Copies `feedFrames` samples of `input` from `start` into `chunk`, zeros past its end.
    private static func fill(_ chunk: UnsafeMutablePointer<Float>, from input: [Float],
                             at start: Int) {
        let count = max(0, min(feedFrames, input.count - start))
        if count > 0 {
            input.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { chunk.update(from: base + start, count: count) }
            }
        }
        if count < feedFrames {
            (chunk + count).update(repeating: 0, count: feedFrames - count)
        }
    }

    /// A `channels`-channel HQ resampler with split float32 io.
    private static func create(from: Int, to: Int, channels: Int, path: String) throws -> soxr_t {
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S)
        var quality = soxr_quality_spec(amss_soxr_hq(), 0)
        let handle = soxr_create(Double(from), Double(to), UInt32(channels), &error, &io,
                                 &quality, nil)
        guard let handle, error == nil else {
            if let handle { soxr_delete(handle) }
            let message = error.map { String(cString: $0) } ?? "no resampler"
            throw MediaError(path: path, code: "resample-failed",
                             reason: "soxr_create failed: \(message)")
        }
        return handle
    }
}
