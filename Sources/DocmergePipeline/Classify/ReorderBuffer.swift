/// Restores arrival order after parallel work: items go in with their sequence number
/// in any order and come out strictly in sequence.
public struct ReorderBuffer<Item> {
    private var pending: [Int: Item] = [:]
    public private(set) var nextSeq: Int

    public init(startingAt seq: Int = 0) { nextSeq = seq }

    public var waiting: Int { pending.count }

    /// Adds one item; returns the items now ready, in order.
    public mutating func insert(seq: Int, _ item: Item) -> [Item] {
        pending[seq] = item
        var ready: [Item] = []
        while let next = pending.removeValue(forKey: nextSeq) {
            ready.append(next)
            nextSeq += 1
        }
        return ready
    }

    /// Everything still waiting, in sequence order (the input ended with gaps).
    public mutating func drain() -> [Item] {
        let rest = pending.sorted { $0.key < $1.key }.map(\.value)
        pending.removeAll()
        return rest
    }
}
