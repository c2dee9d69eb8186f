import Cache
import Media
import Text

/// The shard datasets of the image and text inputs.
enum ImageTextColumns {
    /// `image` uint8 [N, H, W, 3].
    static func image(of samples: [PreparedSample], config: PipelineConfig) -> ShardColumn {
        let picture = config.image ?? ImageConfig()
        let bytes = picture.height * picture.width * 3
        var pixels = [UInt8]()
        pixels.reserveCapacity(samples.count * bytes)
        for sample in samples {
            let own = sample.image ?? []
            pixels.append(contentsOf: own.prefix(bytes))
            if own.count < bytes {
                pixels.append(contentsOf: repeatElement(0, count: bytes - own.count))
            }
        }
        return ShardColumn(name: "image", shape: [samples.count, picture.height, picture.width, 3],
                           values: .uint8(pixels),
                           attributes: ["axes": "sample,height,width,channel",
                                        "units": "8-bit RGB intensity",
                                        "layout": "RGB, upright (EXIF orientation applied), "
                                            + picture.resize + " to \(picture.width)×"
                                            + "\(picture.height)"])
    }

    /// `tokens` int32 [N, L] and `attention_mask` uint8 [N, L].
    static func text(of samples: [PreparedSample], config: PipelineConfig) -> [ShardColumn] {
        let text = config.text ?? TextConfig()
        let length = text.maxLength
        var ids = [Int32]()
        var mask = [UInt8]()
        ids.reserveCapacity(samples.count * length)
        mask.reserveCapacity(samples.count * length)
        for sample in samples {
            let encoded = sample.text ?? EncodedText(ids: [], attentionMask: [])
            ids.append(contentsOf: encoded.ids.prefix(length))
            mask.append(contentsOf: encoded.attentionMask.prefix(length))
            ids.append(contentsOf: repeatElement(0, count: length - min(length,
                                                                        encoded.ids.count)))
            mask.append(contentsOf: repeatElement(0, count: length - min(
                length, encoded.attentionMask.count)))
        }
        let layout = text.mode == .huggingFace ? "[CLS] pieces [SEP], cut to L, [PAD] after"
            : "pieces alone, cut to L, 0 after"
        return [
            ShardColumn(name: "tokens", shape: [samples.count, length], values: .int32(ids),
                        attributes: ["axes": "sample,position", "units": "WordPiece vocabulary id",
                                     "layout": layout, "vocab_sha256": text.vocabSHA256]),
            ShardColumn(name: "attention_mask", shape: [samples.count, length],
                        values: .uint8(mask),
                        attributes: ["axes": "sample,position",
                                     "units": "1 for a token, 0 for padding"]),
        ]
    }
}
