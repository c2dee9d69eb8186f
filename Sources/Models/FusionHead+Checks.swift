import Tensor

extension FusionHead {
    /// The batch size B of `features`, after checking one `[B, F_m]` tensor per modality.
    func checkedBatch(_ features: [Tensor]) -> Int {
        precondition(features.count == featureCounts.count,
                     "fusion expects \(featureCounts.count) modalities, got \(features.count)")
        let batch = features[0].shape.first ?? 0
        for (m, f) in features.enumerated() {
            precondition(f.shape == [batch, featureCounts[m]],
                         "modality \(m): expected [\(batch), \(featureCounts[m])], got \(f.shape)")
        }
        return batch
    }

    /// The features with every modality but `kept` replaced by zeros of the same shape.
    func keepingOnly(_ kept: Int, of features: [Tensor]) -> [Tensor] {
        features.indices.map { m in m == kept ? features[m] : Tensor(zeros: features[m].shape) }
    }
}
