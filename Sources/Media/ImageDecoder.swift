import CFFmpeg
import Foundation

// LIMITATION: an animated WebP (ANIM/ANMF chunks) fails with `decode-failed` — libavcodec 5.1's
// webp decoder reads only still images; an animated GIF gives its first frame.

/// Decodes single JPEG, PNG, GIF and WebP files with libavcodec's mjpeg, png, gif and webp
/// decoders (the whole file is one packet; a GIF yields its first frame); owns one decoder
/// context per codec (reused from file to file), a packet and a frame. For a JPEG it also reads
/// the EXIF orientation of the file it decodes.
final class ImageDecoder {
    /// The image codecs recognised by their first bytes.
    enum Kind: CaseIterable {
        case jpeg
        case png
        case gif
        case webp

        /// Whether `bytes` starts with the file signature: FF D8 FF (JPEG SOI + marker), the
        /// 8-byte PNG signature, `GIF87a`/`GIF89a`, or `RIFF` <size> `WEBP`.
        func matches(_ bytes: Data) -> Bool {
            switch self {
            case .jpeg: return bytes.starts(with: [0xFF, 0xD8, 0xFF])
            case .png: return bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            case .gif:
                return bytes.starts(with: Array("GIF87a".utf8))
                    || bytes.starts(with: Array("GIF89a".utf8))
            case .webp:
                return bytes.count >= 12 && bytes.starts(with: Array("RIFF".utf8))
                    && bytes.dropFirst(8).starts(with: Array("WEBP".utf8))
            }
        }

        /// The libavcodec codec id.
        var codecID: AVCodecID {
            switch self {
            case .jpeg: return AV_CODEC_ID_MJPEG
            case .png: return AV_CODEC_ID_PNG
            case .gif: return AV_CODEC_ID_GIF
            case .webp: return AV_CODEC_ID_WEBP
            }
        }
    }

    /// The EXIF orientation of the last decoded file (`.upright` for anything but a JPEG with
    /// an Exif Orientation tag); set before `decode` hands the frame over.
    private(set) var orientation: ExifOrientation = .upright
    /// Whether the last JPEG decoded lacked its end-of-image marker (a cut-off file whose
    /// missing rows the decoder filled in).
    private(set) var truncated = false

    private var contexts: [UnsafeMutablePointer<AVCodecContext>?] = []
    private var kinds: [Kind] = []
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var frame: UnsafeMutablePointer<AVFrame>?

    /// Allocates the packet and frame (av_packet_alloc, av_frame_alloc).
    init() throws {
        packet = av_packet_alloc()
        frame = av_frame_alloc()
        guard packet != nil, frame != nil else {
            throw MediaError(path: "", code: "out-of-memory", reason: "cannot allocate a frame")
        }
    }

    deinit {
        for i in contexts.indices { avcodec_free_context(&contexts[i]) }
        av_frame_free(&frame)
        av_packet_free(&packet)
    }

    /// Decodes the image at `path` and hands its frame to `body`
    /// (avcodec_send_packet, avcodec_receive_frame, avcodec_flush_buffers).
    ///
    /// Throws `missing`, `unreadable`, `empty-media`, `lfs-pointer`, `not-image` (not JPEG,
    /// PNG, GIF nor WebP by content) or `decode-failed`.
    func decode(path: String, _ body: (UnsafeMutablePointer<AVFrame>) throws -> Void) throws {
        try AVSourceCheck.check(path: path)
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MediaError(path: path, code: "unreadable",
                             reason: "cannot read the file: \(error.localizedDescription)")
        }
        guard let kind = Kind.allCases.first(where: { $0.matches(bytes) }) else {
            throw MediaError(path: path, code: "not-image",
                             reason: "not a JPEG, PNG, GIF or WebP file by its first bytes")
        }
        orientation = kind == .jpeg ? ExifOrientation.of(jpeg: bytes) : .upright
        truncated = kind == .jpeg && !ImageHeader.jpegIsComplete(bytes)
        if let size = ImageHeader.size(of: bytes, kind: kind),
           size.width * size.height > ImageHeader.maximumPixels {
            throw MediaError(path: path, code: "too-large",
                             reason: "\(size.width)×\(size.height) pixels is more than "
                                + "\(ImageHeader.maximumPixels) (a decompression bomb?)")
        }
        let codec = try context(for: kind, path: path)
        guard let packet, let frame else { return }
        defer {
            if kind == .jpeg {
                avcodec_flush_buffers(codec)
            } else {
                closeContext(of: kind)
            }
        }

        try AVError.check(av_new_packet(packet, Int32(bytes.count)), path: path,
                          code: "out-of-memory", call: "av_new_packet")
        defer { av_packet_unref(packet) }
        bytes.withUnsafeBytes { raw in
            if let source = raw.baseAddress, let target = packet.pointee.data {
                target.update(from: source.assumingMemoryBound(to: UInt8.self), count: raw.count)
            }
        }
        try AVError.check(avcodec_send_packet(codec, packet), path: path,
                          code: "decode-failed", call: "avcodec_send_packet")

        var status = avcodec_receive_frame(codec, frame)
        if status == AVError.again {
            _ = avcodec_send_packet(codec, nil)
            status = avcodec_receive_frame(codec, frame)
        }
        try AVError.check(status, path: path, code: "decode-failed",
                          call: "avcodec_receive_frame")
        defer { av_frame_unref(frame) }
        try body(frame)
    }

    // MARK: - Internals

    /// Frees the decoder of `kind` (avcodec_free_context), so the next file gets a fresh one.
    ///
    /// The png decoder of libavcodec 5.1 keeps state from one file to the next that a flush
    /// does not clear (a reused context decoded some pictures wrongly after other pictures),
    /// so only the mjpeg context, which frame folders reuse file after file, is kept.
    private func closeContext(of kind: Kind) {
        guard let index = kinds.firstIndex(of: kind) else { return }
        avcodec_free_context(&contexts[index])
        contexts.remove(at: index)
        kinds.remove(at: index)
    }

    /// The open decoder for `kind`, made on first use (avcodec_alloc_context3, avcodec_open2).
    private func context(for kind: Kind, path: String) throws
        -> UnsafeMutablePointer<AVCodecContext>
    {
        if let i = kinds.firstIndex(of: kind), let context = contexts[i] { return context }
        guard let decoder = avcodec_find_decoder(kind.codecID) else {
            throw MediaError(path: path, code: "unsupported-codec",
                             reason: "libavcodec has no \(kind) decoder")
        }
        var context = avcodec_alloc_context3(decoder)
        guard let opened = context else {
            throw MediaError(path: path, code: "out-of-memory", reason: "cannot allocate decoder")
        }
        opened.pointee.thread_count = 1
        let status = avcodec_open2(opened, decoder, nil)
        if status < 0 {
            avcodec_free_context(&context)
            throw AVError.error(path: path, code: "unsupported-codec", call: "avcodec_open2",
                                status: status)
        }
        kinds.append(kind)
        contexts.append(opened)
        return opened
    }
}
