import Foundation

/// Macro-F1, mean average precision and macro one-vs-rest ROC AUC, in percent.
///
/// The scores of mAP and AUC are the softmax probabilities of the fused logits, one column per
/// class, as in the reference evaluation. A class with no positive clip in the split has no
/// average precision and a class with no positive or no negative clip no AUC; they are left
/// out of the means, and so is a class absent from the labels out of macro-F1 (scikit-learn's
/// `f1_score(..., labels=<classes present>, average="macro")`). `absentClasses` names them so
/// that the run files can say so.
public enum ClassificationMetrics {
    /// The mean F1 over the classes that occur among the labels; a class with no true
    /// positive has F1 0.
    public static func macroF1(predictions: [Int], labels: [Int]) -> Double {
        let classes = Set(labels)
        guard !classes.isEmpty else { return 0 }
        var total = 0.0
        // Sorted, so that the sum (and its rounding) is the same on every run.
        for k in classes.sorted() {
            var truePositive = 0, falsePositive = 0, falseNegative = 0
            for (predicted, label) in zip(predictions, labels) {
                if predicted == k && label == k { truePositive += 1 }
                if predicted == k && label != k { falsePositive += 1 }
                if predicted != k && label == k { falseNegative += 1 }
            }
            let denominator = 2 * truePositive + falsePositive + falseNegative
            if denominator > 0 { total += 2 * Double(truePositive) / Double(denominator) }
        }
        return 100 * total / Double(classes.count)
    }

    /// Average precision of one class: `Σ_n (R_n − R_{n−1})·P_n` over the distinct score
    /// thresholds taken from the highest down (tied scores enter together); nil without
    /// positives.
    public static func averagePrecision(scores: [Double], positives: [Bool]) -> Double? {
        let positiveCount = positives.filter { $0 }.count
        guard positiveCount > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }

        var precisionSum = 0.0
        var truePositives = 0, seen = 0, previousRecall = 0.0
        var position = 0
        while position < order.count {
            let threshold = scores[order[position]]
            // `first` takes one score even when it is NaN (never equal to itself).
            var first = true
            while position < order.count && (first || scores[order[position]] == threshold) {
                first = false
                if positives[order[position]] { truePositives += 1 }
                seen += 1
                position += 1
            }
            let recall = Double(truePositives) / Double(positiveCount)
            precisionSum += (recall - previousRecall) * Double(truePositives) / Double(seen)
            previousRecall = recall
        }
        return precisionSum
    }

    /// ROC AUC of one class: the probability that a positive scores above a negative, ties
    /// counting one half (Mann–Whitney with mid-ranks); nil unless both kinds occur.
    public static func rocAUC(scores: [Double], positives: [Bool]) -> Double? {
        let positiveCount = positives.filter { $0 }.count
        let negativeCount = positives.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }

        var positiveRankSum = 0.0
        var position = 0
        while position < order.count {
            var end = position + 1
            while end < order.count && scores[order[end]] == scores[order[position]] { end += 1 }
            let midRank = Double(position + 1 + end) / 2
            for index in position..<end where positives[order[index]] {
                positiveRankSum += midRank
            }
            position = end
        }
        let pairs = Double(positiveCount) * Double(negativeCount)
        let above = positiveRankSum - Double(positiveCount) * Double(positiveCount + 1) / 2
        return above / pairs
    }

    /// mAP and macro AUC (percent) from row-major `[N, K]` probabilities and the labels.
    public static func ranking(probabilities: [Double], classCount: Int,
                               labels: [Int]) -> (meanAveragePrecision: Double, auc: Double) {
        var precisions: [Double] = []
        var areas: [Double] = []
        for k in 0..<classCount {
            let scores = labels.indices.map { probabilities[$0 * classCount + k] }
            let positives = labels.map { $0 == k }
            if let value = averagePrecision(scores: scores, positives: positives) {
                precisions.append(value)
            }
            if let value = rocAUC(scores: scores, positives: positives) { areas.append(value) }
        }
        func mean(_ values: [Double]) -> Double {
            values.isEmpty ? 0 : 100 * values.reduce(0, +) / Double(values.count)
        }
        return (mean(precisions), mean(areas))
    }

    /// The classes of `0..<classCount` with no clip among `labels`, in index order.
    public static func absentClasses(labels: [Int], classCount: Int) -> [Int] {
        let present = Set(labels)
        return (0..<classCount).filter { !present.contains($0) }
    }

    /// The confusion matrix `[true class][predicted class]` (scikit-learn's
    /// `confusion_matrix` with `labels=range(K)`); out-of-range values are skipped.
    public static func confusionMatrix(predictions: [Int], labels: [Int],
                                       classCount: Int) -> [[Int]] {
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classCount),
                             count: classCount)
        for (predicted, label) in zip(predictions, labels)
        where (0..<classCount).contains(predicted) && (0..<classCount).contains(label) {
            matrix[label][predicted] += 1
        }
        return matrix
    }

    /// Row-wise softmax of `[N, K]` logits in Float64.
    public static func softmax(_ logits: [Float], classCount: Int) -> [Double] {
        guard classCount > 0 else { return [] }
        var output = [Double](repeating: 0, count: logits.count)
        for row in 0..<(logits.count / classCount) {
            let start = row * classCount
            let values = logits[start..<(start + classCount)].map(Double.init)
            let peak = values.max() ?? 0
            let exponentials = values.map { exp($0 - peak) }
            let sum = exponentials.reduce(0, +)
            for k in 0..<classCount { output[start + k] = exponentials[k] / sum }
        }
        return output
    }
}
