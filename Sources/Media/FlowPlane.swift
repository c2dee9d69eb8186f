import Foundation

/// Float image operations of the flow pyramid: Gaussian smoothing and bilinear resizing of
/// row-major planes with interleaved channels.
enum FlowPlane {
    /// The smoothing kernel applied before a frame is scaled by `scale` (≤ 1): a Gaussian of
    /// σ = (1 / scale − 1) / 2 over max(round(5σ) | 1, 3) taps (round half to even), normalised
    /// to sum 1; at full size (σ = 0) the binomial [1, 2, 1] / 4.
    static func smoothingKernel(scale: Double) -> [Float] {
        let sigma = (1 / scale - 1) / 2
        let taps = max(Int((sigma * 5).rounded(.toNearestOrEven)) | 1, 3)
        guard sigma > 0 else { return [0.25, 0.5, 0.25] }
        let half = Double(taps - 1) / 2
        let values = (0..<taps).map { exp(-pow(Double($0) - half, 2) / (2 * sigma * sigma)) }
        let total = values.reduce(0, +)
        return values.map { Float($0 / total) }
    }

    /// The index `i` reflected into 0..<count without repeating the edge (…, 2, 1, 0, 1, 2, …).
    static func reflect(_ i: Int, _ count: Int) -> Int {
        guard count > 1 else { return 0 }
        var index = i
        while index < 0 || index >= count {
            index = index < 0 ? -index : 2 * count - 2 - index
        }
        return index
    }

    /// `image` (one channel) convolved with `kernel` along rows, then columns, the image
    /// reflected at its edges without repeating them.
    static func smooth(_ image: [Float], width: Int, height: Int, kernel: [Float]) -> [Float] {
        let half = kernel.count / 2
        var across = [Float](repeating: 0, count: image.count)
        var output = [Float](repeating: 0, count: image.count)
        let columns = (-half..<(width + half)).map { reflect($0, width) }
        let rows = (-half..<(height + half)).map { reflect($0, height) }
        let taps = kernel.count
        image.withUnsafeBufferPointer { source in
            across.withUnsafeMutableBufferPointer { middle in
                kernel.withUnsafeBufferPointer { weights in
                    columns.withUnsafeBufferPointer { index in
                        for y in 0..<height {
                            let base = y * width
                            for x in 0..<width {
                                var sum: Float = 0
                                for tap in 0..<taps {
                                    sum += weights[tap] * source[base + index[x + tap]]
                                }
                                middle[base + x] = sum
                            }
                        }
                    }
                }
            }
        }
        across.withUnsafeBufferPointer { middle in
            output.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let to = y * width
                    for (tap, weight) in kernel.enumerated() {
                        let from = rows[y + tap] * width
                        for x in 0..<width { out[to + x] += weight * middle[from + x] }
                    }
                }
            }
        }
        return output
    }

    /// Source position and weight of each output coordinate of a bilinear resize from `source`
    /// to `target` samples: pixel centres aligned ((i + ½)·source / target − ½), clamped to
    /// the first and last source pixel.
    private static func taps(source: Int, target: Int) -> [(Int, Float)] {
        let ratio = Double(source) / Double(target)
        return (0..<target).map { i in
            let position = (Double(i) + 0.5) * ratio - 0.5
            var first = Int(position.rounded(.down))
            var fraction = Float(position - Double(first))
            if first < 0 { (first, fraction) = (0, 0) }
            if first >= source - 1 { (first, fraction) = (source - 1, 0) }
            return (first, fraction)
        }
    }

    /// `image` of `channels` interleaved channels resized bilinearly to width×height.
    static func resize(_ image: [Float], width: Int, height: Int, channels: Int,
                       toWidth newWidth: Int, height newHeight: Int) -> [Float] {
        if width == newWidth && height == newHeight { return image }
        let across = taps(source: width, target: newWidth)
        let down = taps(source: height, target: newHeight)
        var output = [Float](repeating: 0, count: newWidth * newHeight * channels)
        image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                for (y, (row, fy)) in down.enumerated() {
                    let next = min(row + 1, height - 1)
                    for (x, (column, fx)) in across.enumerated() {
                        let right = min(column + 1, width - 1)
                        for c in 0..<channels {
                            let a = source[(row * width + column) * channels + c]
                            let b = source[(row * width + right) * channels + c]
                            let d = source[(next * width + column) * channels + c]
                            let e = source[(next * width + right) * channels + c]
                            let top = a + (b - a) * fx, bottom = d + (e - d) * fx
                            out[(y * newWidth + x) * channels + c] = top + (bottom - top) * fy
                        }
                    }
                }
            }
        }
        return output
    }
}
