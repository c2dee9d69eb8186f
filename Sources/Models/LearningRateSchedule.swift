import Foundation

/// The learning rate of each epoch, as PyTorch's epoch-stepped schedulers give it.
///
/// Epochs count from 0 here (the scheduler's `last_epoch` after that many `step()` calls):
/// - `constant`: lr.
/// - `step(every: s, gamma: γ)` (StepLR): lr·γ^⌊e / s⌋.
/// - `multiStep(milestones: M, gamma: γ)` (MultiStepLR): lr·γ^|{m ∈ M : m ≤ e}|.
/// - `cosine(period: T, minimum: η)` (CosineAnnealingLR): η + (lr − η)(1 + cos(π·e/T))/2 for
///   e ≤ T; PyTorch's recursive form equals this closed form up to rounding.
public enum LearningRateSchedule: Equatable, Sendable {
    /// A fixed rate.
    case constant
    /// StepLR.
    case step(every: Int, gamma: Double)
    /// MultiStepLR.
    case multiStep(milestones: [Int], gamma: Double)
    /// CosineAnnealingLR.
    case cosine(period: Int, minimum: Double)

    /// The rate in epoch `epoch` (from 0) for the base rate `base`.
    public func rate(base: Double, epoch: Int) -> Double {
        let e = max(0, epoch)
        switch self {
        case .constant:
            return base
        case .step(let every, let gamma):
            guard every > 0 else { return base }
            return base * pow(gamma, Double(e / every))
        case .multiStep(let milestones, let gamma):
            return base * pow(gamma, Double(milestones.filter { $0 <= e }.count))
        case .cosine(let period, let minimum):
            guard period > 0 else { return base }
            let phase = Double.pi * Double(e) / Double(period)
            return minimum + (base - minimum) * (1 + cos(phase)) / 2
        }
    }
}
