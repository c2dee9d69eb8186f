import CFFmpeg

// LIMITATION: a display matrix whose angle is not a multiple of 90° is not applied (the ffmpeg
// CLI then inserts its `rotate` filter with a black border) — phones and cameras write only
// quarter turns, and a tilted frame with black corners is no better input for a model.

/// The upright-making transform the ffmpeg CLI's autorotation applies to a stream with a display
/// matrix, done on the decoded planes before scaling, as the CLI's filters do.
///
/// The angle is −round(av_display_rotation_get(matrix)) reduced to [0, 360): 90 → `transpose`
/// clock (cclock_flip when matrix[3] > 0), 180 → hflip when matrix[0] < 0 and vflip when
/// matrix[4] < 0, 270 → cclock (clock_flip when matrix[3] < 0).
enum FrameRotation: Equatable {
    /// Leave the frame as coded.
    case none
    /// A transpose: out[r][c] = in[x][y] with the row of the source (`flipSource`) and/or the
    /// row of the output (`flipOutput`) counted from the end, as libavfilter's `transpose`.
    case transpose(flipSource: Bool, flipOutput: Bool)
    /// A mirror image left–right and/or top–bottom (`hflip`, `vflip`).
    case flip(horizontal: Bool, vertical: Bool)

    /// The transform for a stream, from its display-matrix side data (av_stream_get_side_data).
    static func of(stream: UnsafePointer<AVStream>) -> FrameRotation {
        var size = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size),
              size >= 9 * MemoryLayout<Int32>.size else { return .none }
        let matrix = UnsafeRawPointer(data).bindMemory(to: Int32.self, capacity: 9)
        return of(matrix: Array(UnsafeBufferPointer(start: matrix, count: 9)))
    }

    /// The transform for a 3×3 display matrix (16.16 fixed point, row-major).
    static func of(matrix: [Int32]) -> FrameRotation {
        var theta = -av_display_rotation_get(matrix).rounded()
        theta -= 360 * (theta / 360 + 0.9 / 360).rounded(.down)
        if abs(theta - 90) < 1 {
            return matrix[3] > 0 ? .transpose(flipSource: false, flipOutput: false)
                : .transpose(flipSource: true, flipOutput: false)
        }
        if abs(theta - 180) < 1 {
            let flip = FrameRotation.flip(horizontal: matrix[0] < 0, vertical: matrix[4] < 0)
            return flip == .flip(horizontal: false, vertical: false) ? .none : flip
        }
        if abs(theta - 270) < 1 {
            return matrix[3] < 0 ? .transpose(flipSource: true, flipOutput: true)
                : .transpose(flipSource: false, flipOutput: true)
        }
        return .none
    }

    /// Whether the transform swaps width and height.
    var swapsSides: Bool {
        if case .transpose = self { return true }
        return false
    }

    /// Writes the transformed `source` into `target` (allocated here with av_frame_get_buffer;
    /// `target` must be unreferenced). Throws `unsupported-codec` for pixel formats whose planes
    /// cannot be moved pixel by pixel (bit-packed, or unequal chroma subsampling under a
    /// transpose) and `out-of-memory`.
    func apply(_ source: UnsafeMutablePointer<AVFrame>, into target: UnsafeMutablePointer<AVFrame>,
               path: String) throws {
        let format = AVPixelFormat(rawValue: source.pointee.format)
        guard let descriptor = av_pix_fmt_desc_get(format),
              descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_BITSTREAM) == 0,
              descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_HWACCEL) == 0,
              !swapsSides || descriptor.pointee.log2_chroma_w == descriptor.pointee.log2_chroma_h
        else {
            let name = av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "unknown"
            throw MediaError(path: path, code: "unsupported-codec",
                             reason: "cannot turn \(name) frames upright")
        }
        let width = Int(source.pointee.width)
        let height = Int(source.pointee.height)
        target.pointee.format = source.pointee.format
        target.pointee.width = Int32(swapsSides ? height : width)
        target.pointee.height = Int32(swapsSides ? width : height)
        try AVError.check(av_frame_get_buffer(target, 0), path: path, code: "out-of-memory",
                          call: "av_frame_get_buffer")
        try AVError.check(av_frame_copy_props(target, source), path: path,
                          code: "out-of-memory", call: "av_frame_copy_props")

        let planes = Int(av_pix_fmt_count_planes(format))
        let components = Int(descriptor.pointee.nb_components)
        let isRGB = descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
        for plane in 0..<planes {
            var step = 1
            var chroma = false
            withUnsafeBytes(of: descriptor.pointee.comp) { raw in
                let comps = raw.bindMemory(to: AVComponentDescriptor.self)
                for c in 0..<components where Int(comps[c].plane) == plane {
                    step = max(step, Int(comps[c].step))
                    if !isRGB && (c == 1 || c == 2) { chroma = true }
                }
            }
            let shiftX = chroma ? Int(descriptor.pointee.log2_chroma_w) : 0
            let shiftY = chroma ? Int(descriptor.pointee.log2_chroma_h) : 0
            let planeWidth = -((-width) >> shiftX)
            let planeHeight = -((-height) >> shiftY)
            move(plane: plane, source: source, target: target, width: planeWidth,
                 height: planeHeight, step: step)
        }
    }

    // MARK: - Internals

    /// Moves the pixels of one plane (`width`×`height` pixels of `step` bytes).
    private func move(plane: Int, source: UnsafeMutablePointer<AVFrame>,
                      target: UnsafeMutablePointer<AVFrame>, width: Int, height: Int,
                      step: Int) {
        guard let from = Self.plane(source, plane), let to = Self.plane(target, plane) else {
            return
        }
        let inStride = Self.stride(source, plane)
        let outStride = Self.stride(target, plane)
        switch self {
        case .none:
            for y in 0..<height {
                (to + y * outStride).update(from: from + y * inStride,
                                                    count: width * step)
            }
        case .flip(let horizontal, let vertical):
            for y in 0..<height {
                let sourceRow = from + (vertical ? height - 1 - y : y) * inStride
                let row = to + y * outStride
                for x in 0..<width {
                    let sx = horizontal ? width - 1 - x : x
                    (row + x * step).update(from: sourceRow + sx * step, count: step)
                }
            }
        case .transpose(let flipSource, let flipOutput):
            // Output plane: height rows become columns; out is `height` wide, `width` tall.
            for y in 0..<width {
                let row = to + (flipOutput ? width - 1 - y : y) * outStride
                for x in 0..<height {
                    let sy = flipSource ? height - 1 - x : x
                    (row + x * step).update(from: from + sy * inStride + y * step,
                                            count: step)
                }
            }
        }
    }

    /// A frame's plane base pointer.
    private static func plane(_ frame: UnsafeMutablePointer<AVFrame>,
                              _ index: Int) -> UnsafeMutablePointer<UInt8>? {
        withUnsafeBytes(of: frame.pointee.data) {
            $0.load(fromByteOffset: index * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride,
                    as: UnsafeMutablePointer<UInt8>?.self)
        }
    }

    /// A frame's plane stride in bytes.
    private static func stride(_ frame: UnsafeMutablePointer<AVFrame>, _ index: Int) -> Int {
        Int(withUnsafeBytes(of: frame.pointee.linesize) {
            $0.load(fromByteOffset: index * MemoryLayout<Int32>.stride, as: Int32.self)
        })
    }
}
