import Foundation

/// Several rounds of `amss bench audio`, and the median and range of each ratio over them: one
/// round's ratio moves with librosa's own time, which differs by about 10 % between runs.
struct BenchAudioRounds: Encodable {
    /// The median, least and greatest of one speed-up over the rounds that measured it.
    struct Spread: Encodable {
        let median: Double
        let least: Double
        let greatest: Double

        /// nil when no round measured it.
        init?(_ values: [Double]) {
            let sorted = values.sorted()
            guard let least = sorted.first, let greatest = sorted.last else { return nil }
            let middle = sorted.count / 2
            median = sorted.count % 2 == 1 ? sorted[middle]
                : (sorted[middle - 1] + sorted[middle]) / 2
            self.least = least
            self.greatest = greatest
        }
    }

    let rounds: [BenchAudioReport]
    /// librosa's wall time per clip over ours, file by file.
    let speedUp: Spread?
    /// The same with clips resampled together.
    let batchedSpeedUp: Spread?

    enum CodingKeys: String, CodingKey {
        case rounds
        case speedUp = "speed_up", batchedSpeedUp = "batched_speed_up"
    }

    init(reports: [BenchAudioReport]) {
        rounds = reports
        speedUp = Spread(reports.compactMap { $0.amss.speedUp })
        batchedSpeedUp = Spread(reports.compactMap { $0.amssBatched?.speedUp })
    }

    /// The summary lines printed after the rounds' own reports.
    var lines: [String] {
        var out: [String] = []
        if let speedUp {
            out.append("over \(rounds.count) rounds, speed-up file by file: "
                + describe(speedUp))
        }
        if let batchedSpeedUp, let batch = rounds.first?.amssBatched?.batch {
            out.append("over \(rounds.count) rounds, speed-up ×\(batch): "
                + describe(batchedSpeedUp))
        }
        return out
    }

    private func describe(_ spread: Spread) -> String {
        String(format: "median %.2f × wall (%.2f–%.2f)", spread.median, spread.least,
               spread.greatest)
    }
}
