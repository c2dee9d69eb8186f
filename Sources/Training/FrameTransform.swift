import Foundation
import Tensor

/// Frame picking, RandomResizedCrop, horizontal flip and ImageNet normalisation of cached
/// uint8 frames.
public enum FrameTransform {
    /// ImageNet channel means (RGB), applied after scaling to [0, 1].
    public static let mean: [Float] = [0.485, 0.456, 0.406]
    /// ImageNet channel standard deviations (RGB).
    public static let standardDeviation: [Float] = [0.229, 0.224, 0.225]

    /// A crop rectangle in source pixels.
    public struct CropBox: Equatable, Sendable {
        /// First row.
        public var top: Int
        /// First column.
        public var left: Int
        /// Rows.
        public var height: Int
        /// Columns.
        public var width: Int

        /// Makes a box.
        public init(top: Int, left: Int, height: Int, width: Int) {
            self.top = top
            self.left = left
            self.height = height
            self.width = width
        }
    }

    /// The evaluation frames among `count` real ones when a clip needs `picks`: the clip is cut
    /// into `picks` equal segments and the frame at the centre of each is taken,
    /// `⌊(2i + 1)·count / (2·picks)⌋` (frames repeat when `count < picks`).
    public static func evaluationFrameIndices(count: Int, picks: Int) -> [Int] {
        guard count > 0, picks > 0 else { return [] }
        return (0..<picks).map { min(count - 1, (2 * $0 + 1) * count / (2 * picks)) }
    }

    /// The training frames: one frame uniformly at random within each of `picks` equal
    /// segments of the clip (for one pick: any frame).
    public static func trainingFrameIndices(count: Int, picks: Int,
                                            using generator: inout SeededGenerator) -> [Int] {
        guard count > 0, picks > 0 else { return [] }
        return (0..<picks).map { pick in
            let start = Double(pick) * Double(count) / Double(picks)
            let end = Double(pick + 1) * Double(count) / Double(picks)
            let position = start + (end - start) * Double(generator.nextFloat())
            return min(count - 1, Int(position))
        }
    }

    /// A window of `picks` consecutive frames among `count` real ones: at a uniformly random
    /// start while training, centred at evaluation (frames repeat the last when
    /// `count < picks`), as the reference draws NVGesture's 64-frame windows.
    public static func windowFrameIndices(count: Int, picks: Int, training: Bool,
                                          using generator: inout SeededGenerator) -> [Int] {
        guard count > 0, picks > 0 else { return [] }
        let room = max(0, count - picks)
        let start = training ? Int(generator.next() % UInt64(room + 1)) : room / 2
        return (0..<picks).map { min(count - 1, start + $0) }
    }

    /// A RandomResizedCrop box (scale 0.08–1 of the area, aspect ratio 3/4–4/3 drawn
    /// log-uniformly; ten tries, then the largest centred box within the ratio range).
    public static func randomCropBox(height: Int, width: Int,
                                     using generator: inout SeededGenerator) -> CropBox {
        let area = Double(height * width)
        let logLow = log(3.0 / 4.0), logHigh = log(4.0 / 3.0)
        for _ in 0..<10 {
            let targetArea = area * (0.08 + 0.92 * Double(generator.nextFloat()))
            let aspect = exp(logLow + (logHigh - logLow) * Double(generator.nextFloat()))
            let cropWidth = Int((targetArea * aspect).squareRoot().rounded())
            let cropHeight = Int((targetArea / aspect).squareRoot().rounded())
            if cropWidth > 0, cropWidth <= width, cropHeight > 0, cropHeight <= height {
                let top = Int.random(in: 0...(height - cropHeight), using: &generator)
                let left = Int.random(in: 0...(width - cropWidth), using: &generator)
                return CropBox(top: top, left: left, height: cropHeight, width: cropWidth)
            }
        }

        let ratio = Double(width) / Double(height)
        var cropWidth = width, cropHeight = height
        if ratio < 3.0 / 4.0 {
            cropHeight = min(height, Int((Double(width) / (3.0 / 4.0)).rounded()))
        } else if ratio > 4.0 / 3.0 {
            cropWidth = min(width, Int((Double(height) * 4.0 / 3.0).rounded()))
        }
        return CropBox(top: (height - cropHeight) / 2, left: (width - cropWidth) / 2,
                       height: cropHeight, width: cropWidth)
    }

    // LIMITATION: resized values go straight to Float32; PIL (behind the reference's
    // torchvision transforms) rounds them to 8 bits first, a difference of at most half a grey
    // level. The crop is never larger than the output, so no antialiasing filter is needed.

    /// Renders one `[H, W, 3]` uint8 frame into `[3, H, W]` normalised floats.
    ///
    /// The crop box is resized back to `H × W` bilinearly (pixel centres at +0.5, edges
    /// clamped to the box); the result is then mirrored left–right when `flip`, scaled to
    /// [0, 1] and normalised per channel: `(x/255 − mean_c) / std_c`.
    ///
    /// - Parameters:
    ///   - frame: the frame's `H·W·3` bytes.
    ///   - height: `H`.
    ///   - width: `W`.
    ///   - crop: the source box, or nil for the whole frame.
    ///   - flip: mirror horizontally.
    ///   - output: room for `3·H·W` floats.
    public static func render(frame: UnsafeBufferPointer<UInt8>, height: Int, width: Int,
                              crop: CropBox?, flip: Bool,
                              into output: UnsafeMutablePointer<Float>) {
        let plane = height * width
        let scale = (0..<3).map { 1 / (255 * standardDeviation[$0]) }
        let shift = (0..<3).map { mean[$0] / standardDeviation[$0] }

        guard let box = crop, box != CropBox(top: 0, left: 0, height: height, width: width) else {
            for y in 0..<height {
                for x in 0..<width {
                    let source = (y * width + (flip ? width - 1 - x : x)) * 3
                    for c in 0..<3 {
                        output[c * plane + y * width + x] =
                            Float(frame[source + c]) * scale[c] - shift[c]
                    }
                }
            }
            return
        }

        // (sourceIndex0, sourceIndex1, weight1) per output column and row.
        let columns = bilinearTaps(outputSize: width, start: box.left, size: box.width)
        let rows = bilinearTaps(outputSize: height, start: box.top, size: box.height)
        for y in 0..<height {
            let (y0, y1, wy) = rows[y]
            for x in 0..<width {
                let (x0, x1, wx) = columns[flip ? width - 1 - x : x]
                let p00 = (y0 * width + x0) * 3, p01 = (y0 * width + x1) * 3
                let p10 = (y1 * width + x0) * 3, p11 = (y1 * width + x1) * 3
                for c in 0..<3 {
                    let top = Float(frame[p00 + c]) * (1 - wx) + Float(frame[p01 + c]) * wx
                    let bottom = Float(frame[p10 + c]) * (1 - wx) + Float(frame[p11 + c]) * wx
                    let value = top * (1 - wy) + bottom * wy
                    output[c * plane + y * width + x] = value * scale[c] - shift[c]
                }
            }
        }
    }

    /// The two source pixels and the weight of the second, for each output pixel of a
    /// bilinear resize of `size` source pixels starting at `start` onto `outputSize` pixels.
    static func bilinearTaps(outputSize: Int, start: Int,
                             size: Int) -> [(Int, Int, Float)] {
        let step = Double(size) / Double(outputSize)
        return (0..<outputSize).map { index in
            let position = min(max((Double(index) + 0.5) * step - 0.5, 0), Double(size - 1))
            let first = Int(position)
            let second = min(first + 1, size - 1)
            return (start + first, start + second, Float(position - Double(first)))
        }
    }
}

extension FrameTransform {
    /// Renders one `[H, W, C]` frame of floats into `[C, H, W]`: the crop box resized back to
    /// `H × W` bilinearly as `render` does, mirrored when `flip`, then `x·scale_c − shift_c`.
    static func renderPlanes(_ frame: [Float], channels: Int, height: Int, width: Int,
                             crop: CropBox?, flip: Bool, scale: [Float], shift: [Float],
                             into output: UnsafeMutablePointer<Float>) {
        let plane = height * width
        let box = crop ?? CropBox(top: 0, left: 0, height: height, width: width)
        let columns = bilinearTaps(outputSize: width, start: box.left, size: box.width)
        let rows = bilinearTaps(outputSize: height, start: box.top, size: box.height)
        for y in 0..<height {
            let (y0, y1, wy) = rows[y]
            for x in 0..<width {
                let (x0, x1, wx) = columns[flip ? width - 1 - x : x]
                let p00 = (y0 * width + x0) * channels, p01 = (y0 * width + x1) * channels
                let p10 = (y1 * width + x0) * channels, p11 = (y1 * width + x1) * channels
                for c in 0..<channels {
                    let top = frame[p00 + c] * (1 - wx) + frame[p01 + c] * wx
                    let bottom = frame[p10 + c] * (1 - wx) + frame[p11 + c] * wx
                    let value = top * (1 - wy) + bottom * wy
                    output[c * plane + y * width + x] = value * scale[c] - shift[c]
                }
            }
        }
    }
}
