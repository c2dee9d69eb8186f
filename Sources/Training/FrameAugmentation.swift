import Tensor

/// The crops and flips of one batch's frames, and their rendering into normalised tensors.
///
/// Training draws, per clip and picked frame, a RandomResizedCrop box (when enabled) and a
/// horizontal flip, in that order, for the first modality with frames; the other frame
/// modalities of the same size and picks reuse those draws, so a gesture's RGB, depth and flow
/// get the same crop. Evaluation renders whole frames, unflipped.
struct FrameAugmentation {
    /// One frame's augmentation.
    struct Draw {
        var crop: FrameTransform.CropBox?
        var flip: Bool
    }

    /// Depth values are scaled to [0, 1] and normalised with this mean and deviation.
    static let depthMean: Float = 0.5
    /// See `depthMean`.
    static let depthDeviation: Float = 0.5

    let modalities: [ModalitySpec]
    let picks: [Int]
    let configuration: ShardStream.Configuration

    /// Per modality, one draw per picked frame (clip-major); empty for modalities without
    /// frames.
    func draw(clips: Int, using generator: inout SeededGenerator) -> [[Draw]] {
        var draws = [[Draw]](repeating: [], count: modalities.count)
        for (m, spec) in modalities.enumerated() where spec.kind == .frames || spec.kind == .flow {
            let count = clips * picks[m]
            guard configuration.training else {
                draws[m] = [Draw](repeating: Draw(crop: nil, flip: false), count: count)
                continue
            }
            if let earlier = (0..<m).first(where: { !draws[$0].isEmpty && picks[$0] == picks[m]
                                                     && modalities[$0].frameSize
                                                     == spec.frameSize }) {
                draws[m] = draws[earlier]
                continue
            }
            let height = spec.frameSize[0], width = spec.frameSize[1]
            draws[m] = (0..<count).map { _ in
                let crop = configuration.randomResizedCrop
                    ? FrameTransform.randomCropBox(height: height, width: width,
                                                   using: &generator)
                    : nil
                return Draw(crop: crop, flip: generator.nextFloat() < 0.5)
            }
        }
        return draws
    }

    /// Renders modality `m` of every clip into `[B·n, C, H, W]`: RGB with ImageNet
    /// normalisation, depth with `depthMean`/`depthDeviation`, flow in pixels of the output
    /// (scaled by the crop's zoom, the horizontal component negated by a flip).
    func render(_ values: [ModalityValue], modality m: Int, boxes: [Draw]) -> Tensor {
        let spec = modalities[m]
        let height = spec.frameSize[0], width = spec.frameSize[1], channels = spec.channels
        let frameValues = spec.frameValues, pictureValues = channels * height * width
        var output = Tensor(zeros: [boxes.count, channels, height, width])
        output.data.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for (clip, value) in values.enumerated() {
                for pick in 0..<picks[m] {
                    let index = clip * picks[m] + pick
                    let draw = boxes[index]
                    let target = base + index * pictureValues
                    let range = (pick * frameValues)..<((pick + 1) * frameValues)
                    switch value {
                    case .frames(let bytes, _) where channels == 3:
                        bytes.withUnsafeBufferPointer { all in
                            FrameTransform.render(frame: UnsafeBufferPointer(rebasing: all[range]),
                                                  height: height, width: width,
                                                  crop: draw.crop, flip: draw.flip,
                                                  into: target)
                        }
                    case .frames(let bytes, _):
                        let plane = bytes[range].map { Float($0) }
                        let scale = 1 / (255 * Self.depthDeviation)
                        let shift = Self.depthMean / Self.depthDeviation
                        FrameTransform.renderPlanes(
                            plane, channels: channels, height: height, width: width,
                            crop: draw.crop, flip: draw.flip,
                            scale: [Float](repeating: scale, count: channels),
                            shift: [Float](repeating: shift, count: channels), into: target)
                    case .flow(let field, _):
                        let box = draw.crop
                        let zoomX = Float(width) / Float(box?.width ?? width)
                        let zoomY = Float(height) / Float(box?.height ?? height)
                        FrameTransform.renderPlanes(
                            Array(field[range]), channels: channels, height: height,
                            width: width, crop: box, flip: draw.flip,
                            scale: [draw.flip ? -zoomX : zoomX, zoomY], shift: [0, 0],
                            into: target)
                    case .spectrogram, .tokens:
                        break
                    }
                }
            }
        }
        return output
    }
}
