/// A small, fast, seedable generator (SplitMix64), so a workload is reproducible from its seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}

/// Zipf-distributed ranks in 0..<n: a few hot patients get most documents.
public struct Zipf: Sendable {
    private let cumulative: [Double]

    public init(count: Int, exponent: Double = 1.1) {
        var running = 0.0
        var values: [Double] = []
        values.reserveCapacity(count)
        for rank in 1...max(1, count) {
            running += 1 / pow(Double(rank), exponent)
            values.append(running)
        }
        cumulative = values.map { $0 / running }
    }

    public func sample(_ random: inout SeededRandom) -> Int {
        let u = random.unit()
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

import Foundation
