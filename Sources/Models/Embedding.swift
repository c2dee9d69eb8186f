import Tensor

/// A lookup table of learned vectors: token ids → rows of a [count, width] weight.
///
/// The padding row (when given) starts at zero and receives no gradient, as PyTorch's
/// `padding_idx`.
public final class Embedding {
    /// The table [count, width].
    public let weight: Parameter
    /// Rows of the table (vocabulary size, positions, token types).
    public let count: Int
    /// The vector length.
    public let width: Int
    /// The row that gets no gradient, e.g. the [PAD] id; nil for none.
    public let paddingIndex: Int?

    private var ids: [Int32] = []

    /// Makes a table named `name` (`name.weight`) with values N(0, σ²) (σ = 1 is PyTorch's
    /// default, BERT uses 0.02); the padding row is zero.
    public init(name: String, count: Int, width: Int, paddingIndex: Int? = nil,
                standardDeviation: Float = 1, generator: inout SeededGenerator) {
        var values = (0..<(count * width)).map { _ in standardDeviation * generator.nextNormal() }
        if let padding = paddingIndex, (0..<count).contains(padding) {
            for k in 0..<width { values[padding * width + k] = 0 }
        }
        weight = Parameter(name: name + ".weight", shape: [count, width], value: values)
        self.count = count
        self.width = width
        self.paddingIndex = paddingIndex
    }

    /// Whether every id is a row of the table.
    public func contains(_ ids: [Int32]) -> Bool {
        ids.allSatisfy { $0 >= 0 && Int($0) < count }
    }

    /// ids [N] → vectors [N, width]; keeps the ids for `backward`. Every id must be in
    /// 0..<count (check user input with `contains` first).
    public func forward(_ ids: [Int32]) -> Tensor {
        precondition(contains(ids), "\(weight.name): an id is outside 0..<\(count)")
        self.ids = ids
        guard !ids.isEmpty, width > 0 else { return Tensor(zeros: [ids.count, width]) }

        return Tensor(shape: [ids.count, width]) { out in
            weight.value.withUnsafeBufferPointer { table in
                for (row, id) in ids.enumerated() {
                    let source = pointer(table) + Int(id) * width
                    (pointer(out) + row * width).update(from: source, count: width)
                }
            }
        }
    }

    /// Accumulates d(weight) from dy [N, width]: row id += dy[n] for each position n (the
    /// padding row is skipped).
    public func backward(_ dy: Tensor) {
        precondition(dy.shape == [ids.count, width],
                     "\(weight.name): gradient \(dy.shape) for \(ids.count) ids")
        guard !ids.isEmpty, width > 0 else { return }

        weight.grad.withUnsafeMutableBufferPointer { grad in
            dy.data.withUnsafeBufferPointer { gradOut in
                for (row, id) in ids.enumerated() where Int(id) != paddingIndex {
                    let target = pointer(grad) + Int(id) * width
                    let source = pointer(gradOut) + row * width
                    for k in 0..<width { target[k] += source[k] }
                }
            }
        }
    }

    /// The table.
    public var parameters: [Parameter] { [weight] }
}
