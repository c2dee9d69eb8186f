/// Building blocks of the unit samplers: informative units, O(N) top-k, uniform completion.
enum UnitSelection {
    /// The indices whose score is finite and strictly positive.
    static func informative(_ scores: [Double]) -> [Int] {
        scores.indices.filter { scores[$0].isFinite && scores[$0] > 0 }
    }

    /// A uniform Float64 in the open interval (0, 1) from 53 random bits.
    static func openUnitInterval<Generator: RandomNumberGenerator>(
        using generator: inout Generator
    ) -> Double {
        (Double(generator.next() >> 11) + 0.5) * 0x1p-53
    }

    /// `count` distinct elements of `pool`, uniformly (a partial Fisher–Yates shuffle).
    static func uniform<Generator: RandomNumberGenerator>(
        from pool: [Int], count: Int, using generator: inout Generator
    ) -> [Int] {
        var pool = pool
        let take = min(count, pool.count)
        for position in 0..<take {
            let other = Int.random(in: position..<pool.count, using: &generator)
            pool.swapAt(position, other)
        }
        return Array(pool[0..<take])
    }

    /// `chosen` plus uniform draws among the other units until `count` are chosen.
    ///
    /// Units with a finite score are drawn before units whose score is NaN or infinite.
    static func completed<Generator: RandomNumberGenerator>(
        _ chosen: [Int], scores: [Double], count: Int, using generator: inout Generator
    ) -> [Int] {
        var result = chosen
        var isChosen = [Bool](repeating: false, count: scores.count)
        for unit in chosen { isChosen[unit] = true }

        let rest = scores.indices.filter { !isChosen[$0] }
        let finiteRest = rest.filter { scores[$0].isFinite }
        let otherRest = rest.filter { !scores[$0].isFinite }

        let missing = count - result.count
        result += uniform(from: finiteRest, count: missing, using: &generator)
        result += uniform(from: otherRest, count: count - result.count, using: &generator)
        return result
    }

    /// The `count` members of `candidates` with the largest keys (ties: the lower index wins).
    ///
    /// Quickselect with a median-of-three pivot: expected O(N). Keys must not be NaN.
    static func largestKeys(_ keys: [Double], among candidates: [Int], count: Int) -> [Int] {
        var order = candidates
        guard count < order.count else { return order }
        guard count > 0 else { return [] }

        // `ranksBefore(a, b)`: a is preferred to b.
        func ranksBefore(_ a: Int, _ b: Int) -> Bool {
            keys[a] > keys[b] || (keys[a] == keys[b] && a < b)
        }

        var low = 0
        var high = order.count - 1
        let target = count - 1
        while low < high {
            let middle = low + (high - low) / 2
            if ranksBefore(order[middle], order[low]) { order.swapAt(middle, low) }
            if ranksBefore(order[high], order[low]) { order.swapAt(high, low) }
            if ranksBefore(order[high], order[middle]) { order.swapAt(high, middle) }
            order.swapAt(middle, high)
            let pivot = order[high]

            var store = low
            for position in low..<high where ranksBefore(order[position], pivot) {
                order.swapAt(position, store)
                store += 1
            }
            order.swapAt(store, high)

            if store == target { break }
            if store < target { low = store + 1 } else { high = store - 1 }
        }
        return Array(order[0..<count])
    }
}
