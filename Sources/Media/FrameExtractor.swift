import CFFmpeg
import Foundation

/// Samples frames at a fixed rate from a video file, or reads a folder of frame images, and
/// scales them to RGB24 at the configured size. Not thread-safe: make one per worker thread.
public final class FrameExtractor {
    /// The sampling and scaling settings.
    public let config: FrameConfig
    /// Decoder threads per video (0 = libavcodec's choice). Frame-threaded codecs such as
    /// H.264 use them; FLV1 (Sorenson H.263) decodes on one thread whatever this says.
    public let decoderThreads: Int
    /// How many frames the last `frames(fromVideo:)` call decoded before it stopped.
    public private(set) var lastDecodedFrames = 0

    private let scaler: FrameScaler
    private let images: ImageDecoder
    private let held: UnsafeMutablePointer<AVFrame>

    /// Makes an extractor; throws `bad-config` when `config.problem` is not nil.
    public init(config: FrameConfig, decoderThreads: Int = 0) throws {
        AVLog.silence()
        if let problem = config.problem {
            throw MediaError(path: "", code: "bad-config", reason: problem)
        }
        guard let held = av_frame_alloc() else {
            throw MediaError(path: "", code: "out-of-memory", reason: "cannot allocate a frame")
        }
        self.held = held
        self.config = config
        self.decoderThreads = decoderThreads
        do {
            scaler = try FrameScaler(width: config.width, height: config.height,
                                     scaler: config.scaler, resize: config.resize)
            images = try ImageDecoder()
        } catch {
            var frame: UnsafeMutablePointer<AVFrame>? = held
            av_frame_free(&frame)
            throw error
        }
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = held
        av_frame_free(&frame)
    }

    /// Decodes `path` and keeps one frame per 1/fps s by `config.rule`, stopping once
    /// `config.maxFrames` are kept. A display matrix (rotated phone video) turns the frames
    /// upright before they are scaled, as the ffmpeg CLI's autorotation does.
    ///
    /// Throws the `VideoProbe` codes, `no-frames` when nothing is decoded or picked, and
    /// `too-few-frames` below `config.minFrames`.
    public func frames(fromVideo path: String) throws -> FrameClip {
        lastDecodedFrames = 0
        let decoder = try VideoDecoder(path: path, threads: decoderThreads)
        scaler.rotation = FrameRotation.of(stream: decoder.input.stream)
        let base = decoder.input.timeBase
        var picker = FramePicker(rule: config.rule, fps: config.fps, maxFrames: config.maxFrames,
                                 timeBase: (Int64(base.num), Int64(base.den)),
                                 frameRate: decoder.input.info.frameRate)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(config.maxFrames * frameBytes)
        defer { av_frame_unref(held) }

        try decoder.forEachFrame { decoded in
            let step = picker.offer(index: decoded.index, ticks: decoded.ticks)
            try emitHeld(copies: step.heldCopies, path: path, into: &pixels)
            if step.emitOffered {
                try append(decoded.frame, path: path, into: &pixels)
            }
            if step.holdOffered {
                av_frame_unref(held)
                try AVError.check(av_frame_ref(held, decoded.frame), path: path,
                                  code: "out-of-memory", call: "av_frame_ref")
            }
            return !picker.isFull
        }
        let copies = picker.finish(lastDurationTicks: decoder.lastDurationTicks)
        try emitHeld(copies: copies, path: path, into: &pixels)
        lastDecodedFrames = decoder.decodedCount

        if decoder.decodedCount == 0 {
            let why = decoder.lastSkippedError.map { ": " + AVError.message($0) } ?? ""
            throw MediaError(path: path, code: "no-frames",
                             reason: "no video frame could be decoded\(why)")
        }
        var result = try clip(pixels: pixels, picks: picker.picks, path: path,
                              decoded: decoder.decodedCount)
        if decoder.skippedErrors > 0 {
            let last = decoder.lastSkippedError.map { ", last: " + AVError.message($0) } ?? ""
            result.damage = "\(decoder.skippedErrors) damaged packets skipped among "
                + "\(decoder.decodedCount) decoded frames\(last)"
        }
        return result
    }

    /// Reads the first `config.maxFrames` images of a frame folder in numeric order.
    ///
    /// Throws `missing` for a missing folder, `no-frames` for a folder without frame images,
    /// the `ImageDecoder` codes for a bad image, and `too-few-frames` below `minFrames`.
    /// Source indices are positions in numeric order; source times are position / fps.
    public func frames(fromFolder path: String) throws -> FrameClip {
        let files = try Self.frameFiles(inFolder: path)
        scaler.rotation = .none
        if files.isEmpty {
            throw MediaError(path: path, code: "no-frames",
                             reason: "the frame folder holds no .jpg, .jpeg or .png file")
        }
        let chosen = Array(files.prefix(config.maxFrames))
        var pixels: [UInt8] = []
        pixels.reserveCapacity(chosen.count * frameBytes)
        for file in chosen {
            try images.decode(path: file) { frame in
                try append(frame, path: file, into: &pixels)
            }
        }
        let picks = chosen.indices.map {
            FramePicker.Pick(index: $0, time: Double($0) / config.fps)
        }
        return try clip(pixels: pixels, picks: picks, path: path, decoded: files.count)
    }

    /// The image files of a frame folder in numeric order (full paths); hidden files and
    /// other extensions are left out. Throws `missing` when the folder does not exist and
    /// `unreadable` when it is a file or cannot be listed.
    public static func frameFiles(inFolder path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError(path: path, code: "missing", reason: "no such frame folder")
        }
        guard isDirectory.boolValue else {
            throw MediaError(path: path, code: "unreadable",
                             reason: "expected a frame folder, found a file")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw MediaError(path: path, code: "unreadable",
                             reason: "cannot list the folder: \(error.localizedDescription)")
        }
        let folder = URL(fileURLWithPath: path)
        return FrameFileOrder.sorted(names.filter(FrameFileOrder.isFrameImage))
            .map { folder.appendingPathComponent($0).path }
    }

    // MARK: - Internals

    /// Bytes of one output frame.
    private var frameBytes: Int { config.width * config.height * 3 }

    /// Scales `frame` and appends it to `pixels`.
    private func append(_ frame: UnsafeMutablePointer<AVFrame>, path: String,
                        into pixels: inout [UInt8]) throws {
        let offset = pixels.count
        pixels.append(contentsOf: repeatElement(0, count: frameBytes))
        try scaler.convert(frame, path: path, into: &pixels, at: offset)
    }

    /// Appends `copies` copies of the held frame (converted once).
    private func emitHeld(copies: Int, path: String, into pixels: inout [UInt8]) throws {
        guard copies > 0 else { return }
        let offset = pixels.count
        try append(held, path: path, into: &pixels)
        for _ in 1..<copies {
            pixels.append(contentsOf: pixels[offset..<(offset + frameBytes)])
        }
    }

    /// The clip of the kept frames, or `no-frames` / `too-few-frames`.
    private func clip(pixels: [UInt8], picks: [FramePicker.Pick], path: String,
                      decoded: Int) throws -> FrameClip {
        if picks.isEmpty {
            throw MediaError(path: path, code: "no-frames",
                             reason: "\(decoded) frames decoded, none kept by "
                                + config.rule.rawValue)
        }
        if picks.count < config.minFrames {
            throw MediaError(path: path, code: "too-few-frames",
                             reason: "\(picks.count) frames kept, min_frames is "
                                + "\(config.minFrames)")
        }
        return FrameClip(count: picks.count, height: config.height, width: config.width,
                         pixels: pixels, sourceIndices: picks.map(\.index),
                         sourceTimes: picks.map(\.time))
    }
}
