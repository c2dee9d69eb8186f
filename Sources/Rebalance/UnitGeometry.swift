import Tensor

/// Where the values of each unit of one draw lie in a parameter's flat row-major storage.
///
/// Unit `u` covers, for every repeat `r` in `0..<repeatCount`, the `unitWidth` values starting at
/// `base + u·unitStride + r·repeatStride`. The three layouts of `MaskableGroup` map onto it:
///
/// | layout | base | unitStride | unitWidth | repeatCount | repeatStride |
/// |---|---|---|---|---|---|
/// | leading axis (filters, Q/K/V heads) | 0 | size/N | size/N | 1 | 0 |
/// | trailing axis (output-projection heads) | 0 | C/N | C/N | rows | C |
/// | fusion column block, one row r | r·C + start | 1 | 1 | 1 | 0 |
struct UnitGeometry {
    /// The first value of unit 0.
    let base: Int
    /// The number of units `N`.
    let unitCount: Int
    /// The distance between the first values of two neighbouring units.
    let unitStride: Int
    /// The number of contiguous values of a unit in one repeat.
    let unitWidth: Int
    /// How many times each unit's span repeats (the rows of a trailing-axis unit).
    let repeatCount: Int
    /// The distance between two repeats.
    let repeatStride: Int

    /// Output filters or row blocks: `unitCount` equal contiguous slices of `valueCount` values.
    static func leading(valueCount: Int, unitCount: Int) -> UnitGeometry? {
        guard unitCount > 0, valueCount > 0, valueCount % unitCount == 0 else { return nil }
        let size = valueCount / unitCount
        return UnitGeometry(base: 0, unitCount: unitCount, unitStride: size, unitWidth: size,
                            repeatCount: 1, repeatStride: 0)
    }

    /// Column slices across every row of a `[valueCount / columns, columns]` weight.
    static func trailing(valueCount: Int, columns: Int, unitCount: Int) -> UnitGeometry? {
        guard unitCount > 0, columns > 0, valueCount > 0, valueCount % columns == 0,
              columns % unitCount == 0 else { return nil }
        let width = columns / unitCount
        return UnitGeometry(base: 0, unitCount: unitCount, unitStride: width, unitWidth: width,
                            repeatCount: valueCount / columns, repeatStride: columns)
    }

    /// The single elements `start..<start + count` of row `row` of a weight with `columns`
    /// columns.
    static func rowElements(row: Int, columns: Int, start: Int, count: Int) -> UnitGeometry {
        UnitGeometry(base: row * columns + start, unitCount: count, unitStride: 1, unitWidth: 1,
                     repeatCount: 1, repeatStride: 0)
    }

    /// The importance score of every unit, reading gradient and weight in place.
    ///
    /// With `summingElements` a unit's score is the sum of its elements' own scores
    /// (`Σ G²/W²`, `Σ |G|`) rather than the score of its sums (`Σ G² / Σ W²`, `√Σ G²`); the two
    /// agree for `gn`.
    func scores(_ importance: UnitImportance, gradient: UnsafeBufferPointer<Float>,
                weight: UnsafeBufferPointer<Float>, summingElements: Bool = false) -> [Double] {
        if summingElements && importance != .gn {
            return elementSums(importance, gradient: gradient, weight: weight)
        }
        let readsWeight = importance == .gnWn
        var scores = [Double](repeating: 0, count: unitCount)
        for unit in 0..<unitCount {
            var gradientSquares = 0.0
            var weightSquares = 0.0
            for repetition in 0..<repeatCount {
                let first = base + unit * unitStride + repetition * repeatStride
                for index in first..<(first + unitWidth) {
                    let g = Double(gradient[index])
                    gradientSquares += g * g
                    if readsWeight {
                        let w = Double(weight[index])
                        weightSquares += w * w
                    }
                }
            }
            scores[unit] = importance.score(gradientSquareSum: gradientSquares,
                                            weightSquareSum: weightSquares)
        }
        return scores
    }

    /// Per unit, the sum of the importance of each of its elements on its own.
    private func elementSums(_ importance: UnitImportance, gradient: UnsafeBufferPointer<Float>,
                             weight: UnsafeBufferPointer<Float>) -> [Double] {
        var scores = [Double](repeating: 0, count: unitCount)
        for unit in 0..<unitCount {
            var total = 0.0
            for repetition in 0..<repeatCount {
                let first = base + unit * unitStride + repetition * repeatStride
                for index in first..<(first + unitWidth) {
                    let g = Double(gradient[index])
                    let w = Double(weight[index])
                    total += importance.score(gradientSquareSum: g * g, weightSquareSum: w * w)
                }
            }
            scores[unit] = total
        }
        return scores
    }

    /// Multiplies every value of unit `u` by `factors[u]`; a factor of 0 writes exact zeros (so
    /// a NaN gradient of a dropped unit is removed too), a factor of 1 leaves the values alone.
    func scale(_ values: UnsafeMutableBufferPointer<Float>, by factors: [Float]) {
        for unit in 0..<unitCount {
            let factor = factors[unit]
            guard factor != 1 else { continue }
            for repetition in 0..<repeatCount {
                let first = base + unit * unitStride + repetition * repeatStride
                if factor == 0 {
                    for index in first..<(first + unitWidth) { values[index] = 0 }
                } else {
                    for index in first..<(first + unitWidth) { values[index] *= factor }
                }
            }
        }
    }
}
