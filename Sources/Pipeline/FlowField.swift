import Datasets
import Foundation
import Media

/// A precomputed optical-flow array as the reference stores it: `.npy`, float16 or float32,
/// C order, shape [H, W, 2, T] with channel 0 the horizontal and 1 the vertical displacement in
/// pixels of the stored size.
struct FlowField {
    let height: Int
    let width: Int
    let frames: Int
    /// Values in file order.
    let values: [Float]

    /// Reads `path`; throws `not-npy` or `bad-flow` with the reason.
    static func read(path: String) throws -> FlowField {
        let header: NPYHeader
        switch NPYHeader.read(path: path) {
        case .failure(let problem):
            throw PipelineError(path: path, code: "not-npy", reason: problem.reason)
        case .success(let parsed):
            header = parsed
        }
        let shape = header.shape
        guard shape.count == 4, shape[2] == 2, !header.fortranOrder,
              ["<f2", "<f4"].contains(header.descr) else {
            throw PipelineError(path: path, code: "bad-flow", reason: "expected a C-order <f2 "
                                + "or <f4 array [H, W, 2, T], found \(header.descr) \(shape)")
        }
        let count = shape.reduce(1, *)
        let width = header.descr == "<f2" ? 2 : 4
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PipelineError(path: path, code: "unreadable", reason: "cannot open the file")
        }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(header.dataOffset))
        let data = try handle.read(upToCount: count * width) ?? Data()
        guard data.count == count * width else {
            throw PipelineError(path: path, code: "bad-flow", reason: "the file holds "
                                + "\(data.count) data bytes, the shape needs \(count * width)")
        }
        let values: [Float] = data.withUnsafeBytes { raw in
            (0..<count).map { index in
                if width == 2 {
                    let bits = UInt16(raw[2 * index]) | UInt16(raw[2 * index + 1]) << 8
                    return Float(Float16(bitPattern: bits))
                }
                let bits = UInt32(raw[4 * index]) | UInt32(raw[4 * index + 1]) << 8
                    | UInt32(raw[4 * index + 2]) << 16 | UInt32(raw[4 * index + 3]) << 24
                return Float(bitPattern: bits)
            }
        }
        return FlowField(height: shape[0], width: shape[1], frames: shape[3], values: values)
    }

    // LIMITATION: nearest-neighbour resizing of the flow field — a smoother (area) resize
    // would average displacements; nearest keeps every value one the flow algorithm produced.
    /// `frames` evenly kept time steps (as `GestureFrameReader.picks`), resized to
    /// width×height by the nearest source pixel (source row ⌊(2y + 1)·H / 2h⌋), with the
    /// horizontal displacement scaled by w / W and the vertical by h / H: float16 bit patterns
    /// [frames, height, width, 2].
    func resampled(frames count: Int, width outWidth: Int, height outHeight: Int) -> [UInt16] {
        let steps = GestureFrameReader.picks(length: frames, count: count)
        let scale = [Float(outWidth) / Float(width), Float(outHeight) / Float(height)]
        var out = [UInt16](repeating: 0, count: count * outHeight * outWidth * 2)
        var index = 0
        for step in steps {
            for y in 0..<outHeight {
                let sourceY = (2 * y + 1) * height / (2 * outHeight)
                for x in 0..<outWidth {
                    let sourceX = (2 * x + 1) * width / (2 * outWidth)
                    for channel in 0..<2 {
                        let at = ((sourceY * width + sourceX) * 2 + channel) * frames + step
                        out[index] = Float16(values[at] * scale[channel]).bitPattern
                        index += 1
                    }
                }
            }
        }
        return out
    }
}
