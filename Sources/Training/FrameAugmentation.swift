import Tensor

/// The crops and flips of one batch's frames, and their rendering into normalised tensors.
///
/// Training draws, per clip and picked frame, a RandomResizedCrop box (when enabled) and a
/// horizontal flip, in that order, for the first modality with frames; the other frame
/// modalities of the same size and picks reuse those draws, so a gesture's RGB, depth and flow
/// get the same crop. Evaluation renders whole frames, unflipped. With a crop size S the
/// pictures come out S×S: training resizes the random box (or, without RandomResizedCrop,
/// takes a random S×S box), evaluation takes the centred S×S box (torchvision's CenterCrop).
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
            let height = spec.frameSize[0], width = spec.frameSize[1]
            guard configuration.training else {
                let centre = configuration.cropSize.map { size in
                    FrameTransform.CropBox(top: max(0, height - size) / 2,
                                           left: max(0, width - size) / 2,
                                           height: min(size, height), width: min(size, width))
                }
                draws[m] = [Draw](repeating: Draw(crop: centre, flip: false), count: count)
                continue
            }
            if let earlier = (0..<m).first(where: { !draws[$0].isEmpty && picks[$0] == picks[m]
                                                     && modalities[$0].frameSize
                                                     == spec.frameSize }) {
                draws[m] = draws[earlier]
                continue
            }
            draws[m] = (0..<count).map { _ in
                var crop: FrameTransform.CropBox?
                if configuration.randomResizedCrop {
                    crop = FrameTransform.randomCropBox(height: height, width: width,
                                                        using: &generator)
                } else if let size = configuration.cropSize {
                    let rows = min(size, height), columns = min(size, width)
                    crop = FrameTransform.CropBox(
                        top: Int.random(in: 0...(height - rows), using: &generator),
                        left: Int.random(in: 0...(width - columns), using: &generator),
                        height: rows, width: columns)
                }
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
        let out = configuration.cropSize.map { [$0, $0] } ?? [height, width]
        let frameValues = spec.frameValues, pictureValues = channels * out[0] * out[1]
        var output = Tensor(zeros: [boxes.count, channels, out[0], out[1]])
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
                                                  outputSize: out, into: target)
                        }
                    case .frames(let bytes, _):
                        let plane = bytes[range].map { Float($0) }
                        let scale = 1 / (255 * Self.depthDeviation)
                        let shift = Self.depthMean / Self.depthDeviation
                        FrameTransform.renderPlanes(
                            plane, channels: channels, height: height, width: width,
                            crop: draw.crop, flip: draw.flip, outputSize: out,
                            scale: [Float](repeating: scale, count: channels),
                            shift: [Float](repeating: shift, count: channels), into: target)
                    case .flow(let field, _):
                        let box = draw.crop
                        let zoomX = Float(out[1]) / Float(box?.width ?? width)
                        let zoomY = Float(out[0]) / Float(box?.height ?? height)
                        FrameTransform.renderPlanes(
                            Array(field[range]), channels: channels, height: height,
                            width: width, crop: box, flip: draw.flip, outputSize: out,
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
