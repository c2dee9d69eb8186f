import Models

/// Accuracies of the fused and uni-modal logits over one split, in percent.
public struct Evaluation: Equatable, Sendable {
    /// Fused accuracy.
    public var accuracy: Double
    /// Accuracy of the audio uni-modal logits.
    public var audioAccuracy: Double
    /// Accuracy of the visual uni-modal logits.
    public var visualAccuracy: Double
    /// The mean fused cross-entropy.
    public var loss: Double
    /// Clips evaluated.
    public var count: Int

    /// Runs the model in evaluation mode over every batch of `stream`.
    public static func run(model: AudioVisualModel, stream: ShardStream) throws -> Evaluation {
        let epoch = stream.epoch(1)
        defer { epoch.close() }
        var correct = [0, 0, 0]
        var loss = 0.0
        var count = 0
        while let batch = try epoch.next() {
            let output = model.forward(audio: batch.audio, frames: batch.frames,
                                       framesPerClip: stream.configuration.framesPerClip,
                                       training: false)
            let logits = [output.logits] + output.unimodal
            for (index, tensor) in logits.enumerated() {
                correct[index] += Self.correctCount(tensor, labels: batch.labels)
            }
            loss += CrossEntropy.perSample(logits: output.logits, labels: batch.labels)
                .reduce(0.0) { $0 + Double($1) }
            count += batch.count
        }
        let scale = count > 0 ? 100 / Double(count) : 0
        return Evaluation(accuracy: Double(correct[0]) * scale,
                          audioAccuracy: Double(correct[1]) * scale,
                          visualAccuracy: Double(correct[2]) * scale,
                          loss: count > 0 ? loss / Double(count) : 0, count: count)
    }

    /// How many rows of `[B, K]` logits have their largest value (first on ties) at the label.
    public static func correctCount(_ logits: Tensor, labels: [Int]) -> Int {
        let classes = logits.shape.last ?? 0
        guard classes > 0 else { return 0 }
        var correct = 0
        for (row, label) in labels.enumerated() {
            let start = row * classes
            var best = 0
            for k in 1..<classes where logits.data[start + k] > logits.data[start + best] {
                best = k
            }
            if best == label { correct += 1 }
        }
        return correct
    }
}
