import Models

/// Accuracies of the fused and uni-modal logits over one split, in percent.
public struct Evaluation: Equatable, Sendable {
    /// Fused accuracy.
    public var accuracy: Double
    /// Accuracy of each encoder's uni-modal logits, by modality name.
    public var modalityAccuracies: [String: Double]
    /// Macro-F1 of the fused predictions.
    public var macroF1: Double
    /// Mean average precision of the fused softmax scores.
    public var meanAveragePrecision: Double
    /// Macro one-vs-rest ROC AUC of the fused softmax scores.
    public var auc: Double
    /// The mean fused cross-entropy.
    public var loss: Double
    /// Clips evaluated.
    public var count: Int
    /// `[true class][predicted class]` counts of the fused predictions.
    public var confusion: [[Int]]
    /// Classes with no clip in the split, left out of the macro means.
    public var absentClasses: [Int]

    /// Runs the model in evaluation mode over every batch of `stream`.
    public static func run(model: MultimodalModel,
                           stream: ShardStream) throws -> Evaluation {
        let names = stream.source.modalities.map(\.name)
        let epoch = stream.epoch(1)
        defer { epoch.close() }
        let modalities = model.modalities
        guard modalities.allSatisfy({ names.indices.contains($0) }) else {
            throw TrainingError(path: stream.source.location, reason: "holds "
                                + names.joined(separator: ", ") + "; the model reads "
                                + "modalities \(modalities)")
        }
        var correct = [Int](repeating: 0, count: 1 + modalities.count)
        var loss = 0.0
        var count = 0
        var labels: [Int] = []
        var predictions: [Int] = []
        var probabilities: [Double] = []
        var classCount = 0
        while let batch = try epoch.next() {
            let output: MultimodalModel.Output
            do {
                output = try model.forward(batch.inputs, training: false)
            } catch {
                throw TrainingError(path: stream.source.location, reason: "\(error)")
            }
            guard output.logits.data.allSatisfy(\.isFinite) else {
                throw TrainingError(path: stream.source.location, reason: "the model gave "
                                    + "non-finite logits (NaN or infinity) for a batch starting "
                                    + "at sample \(batch.ids.first ?? "?"); training diverged — "
                                    + "lower --lr or check the cache for non-finite values")
            }
            let logits = [output.logits] + output.unimodal
            for (index, tensor) in logits.enumerated() {
                correct[index] += Self.correctCount(tensor, labels: batch.labels)
            }
            loss += CrossEntropy.perSample(logits: output.logits, labels: batch.labels)
                .reduce(0.0) { $0 + Double($1) }
            count += batch.count

            classCount = output.logits.shape.last ?? 0
            labels += batch.labels
            predictions += predictedClasses(output.logits)
            probabilities += ClassificationMetrics.softmax(output.logits.data,
                                                           classCount: classCount)
        }
        let scale = count > 0 ? 100 / Double(count) : 0
        var accuracies: [String: Double] = [:]
        for (index, modality) in modalities.enumerated() {
            accuracies[names[modality]] = Double(correct[1 + index]) * scale
        }
        let ranking = ClassificationMetrics.ranking(probabilities: probabilities,
                                                    classCount: classCount, labels: labels)
        let confusion = ClassificationMetrics.confusionMatrix(predictions: predictions,
                                                              labels: labels,
                                                              classCount: classCount)
        return Evaluation(accuracy: Double(correct[0]) * scale,
                          modalityAccuracies: accuracies,
                          macroF1: ClassificationMetrics.macroF1(predictions: predictions,
                                                                 labels: labels),
                          meanAveragePrecision: ranking.meanAveragePrecision,
                          auc: ranking.auc,
                          loss: count > 0 ? loss / Double(count) : 0, count: count,
                          confusion: confusion,
                          absentClasses: ClassificationMetrics.absentClasses(
                              labels: labels, classCount: classCount))
    }

    /// Accuracy of the audio uni-modal logits (nil when the model has no audio encoder).
    public var audioAccuracy: Double? { modalityAccuracies["audio"] }
    /// Accuracy of the visual uni-modal logits (nil when the model has no visual encoder).
    public var visualAccuracy: Double? { modalityAccuracies["visual"] }

    /// The index of the largest value of each row of `[B, K]` logits (first on ties).
    public static func predictedClasses(_ logits: Tensor) -> [Int] {
        let classes = logits.shape.last ?? 0
        guard classes > 0 else { return [] }
        return (0..<(logits.count / classes)).map { row in
            let start = row * classes
            var best = 0
            for k in 1..<classes where logits.data[start + k] > logits.data[start + best] {
                best = k
            }
            return best
        }
    }

    /// How many rows of `[B, K]` logits have their largest value (first on ties) at the label.
    public static func correctCount(_ logits: Tensor, labels: [Int]) -> Int {
        zip(predictedClasses(logits), labels).filter { $0 == $1 }.count
    }
}
