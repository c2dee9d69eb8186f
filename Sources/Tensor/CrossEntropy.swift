#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Softmax cross-entropy of logits [B, K] against integer labels in 0..<K.
public enum CrossEntropy {
    /// loss = (1/B)·Σ_b (logsumexp(z_b) − z_b[y_b]) and d(loss)/dz = (softmax(z) − onehot(y))/B.
    public static func forward(logits: Tensor, labels: [Int]) -> (loss: Float, grad: Tensor) {
        let (batch, classes) = checkShapes(logits: logits, labels: labels)
        var total = 0.0
        var grad = Tensor(zeros: [batch, classes])
        logits.data.withUnsafeBufferPointer { z in
            grad.data.withUnsafeMutableBufferPointer { dz in
                for b in 0..<batch {
                    let row = b * classes
                    let (logSum, _) = logSumExp(z, row: row, classes: classes)
                    total += logSum - Double(z[row + labels[b]])
                    for k in 0..<classes {
                        let probability = exp(Double(z[row + k]) - logSum)
                        dz[row + k] = Float(probability / Double(batch))
                    }
                    dz[row + labels[b]] -= Float(1 / Double(batch))
                }
            }
        }
        return (Float(total / Double(batch)), grad)
    }

    /// loss_b = logsumexp(z_b) − z_b[y_b] for every sample b (no gradient).
    public static func perSample(logits: Tensor, labels: [Int]) -> [Float] {
        let (batch, classes) = checkShapes(logits: logits, labels: labels)
        return logits.data.withUnsafeBufferPointer { z in
            (0..<batch).map { b in
                let (logSum, _) = logSumExp(z, row: b * classes, classes: classes)
                return Float(logSum - Double(z[b * classes + labels[b]]))
            }
        }
    }

    /// log Σ_k exp(z[row + k]) computed stably in Float64 around the row maximum, and that
    /// maximum.
    static func logSumExp(_ z: UnsafeBufferPointer<Float>, row: Int,
                          classes: Int) -> (Double, Double) {
        var peak = -Double.infinity
        for k in 0..<classes { peak = max(peak, Double(z[row + k])) }
        var sum = 0.0
        for k in 0..<classes { sum += exp(Double(z[row + k]) - peak) }
        return (peak + log(sum), peak)
    }

    /// B and K of `logits`; every label must lie in 0..<K.
    static func checkShapes(logits: Tensor, labels: [Int]) -> (Int, Int) {
        precondition(logits.rank == 2, "logits must be [B, K], got \(logits.shape)")
        let batch = logits.shape[0], classes = logits.shape[1]
        precondition(labels.count == batch, "\(labels.count) labels for a batch of \(batch)")
        precondition(labels.allSatisfy { (0..<classes).contains($0) },
                     "labels must lie in 0..<\(classes)")
        return (batch, classes)
    }
}
