/// A JSON number compared on its exact decimal text, not on the nearest double:
/// `0.7999999999999999999999` reads as the double 0.8 but is below 0.80, and
/// `1.0000000000000000001` reads as 1.0 but is above 1.
struct DecimalText: Comparable {
    let negative: Bool
    /// Significant digits, no leading or trailing zeros (empty for zero).
    let digits: [UInt8]
    /// The value is `0.<digits> × 10^exponent`.
    let exponent: Int

    /// Any JSON number text (or a Swift `Double.description` such as `1e-05`).
    init?(_ text: String) {
        var bytes = Array(text.utf8)
        var negative = false
        if bytes.first == UInt8(ascii: "-") { negative = true; bytes.removeFirst() }
        var exponentPart = 0
        if let e = bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let value = Int(String(decoding: bytes[(e + 1)...], as: UTF8.self)),
                  abs(value) < 1_000_000 else { return nil }
            exponentPart = value
            bytes.removeSubrange(e...)
        }
        let point = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
        var all = Array(bytes[..<point]) + (point < bytes.count ? Array(bytes[(point + 1)...]) : [])
        guard !all.isEmpty, all.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var integerDigits = point
        while all.first == UInt8(ascii: "0") { all.removeFirst(); integerDigits -= 1 }
        while all.last == UInt8(ascii: "0") { all.removeLast() }
        self.negative = negative && !all.isEmpty
        self.digits = all
        self.exponent = all.isEmpty ? 0 : integerDigits + exponentPart
    }

    init(_ value: Double) {
        // `description` is the shortest text that reads back as the same double: the
        // decimal an operator wrote in a config file.
        self = DecimalText(value.description) ?? DecimalText(negative: false, digits: [], exponent: 0)
    }

    private init(negative: Bool, digits: [UInt8], exponent: Int) {
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
    }

    var isZero: Bool { digits.isEmpty }

    static func < (a: DecimalText, b: DecimalText) -> Bool {
        if a.negative != b.negative { return a.negative }
        return a.negative ? magnitudeLess(b, a) : magnitudeLess(a, b)
    }

    private static func magnitudeLess(_ a: DecimalText, _ b: DecimalText) -> Bool {
        if a.isZero || b.isZero { return a.isZero && !b.isZero }
        if a.exponent != b.exponent { return a.exponent < b.exponent }
        return a.digits.lexicographicallyPrecedes(b.digits)
    }
}

extension DecimalText {
    /// The double to compare with thresholds: the nearest double, moved one step down
    /// when the text is below that double's own shortest decimal. Then for any threshold
    /// `t` read from a config, `value < t` exactly when the text is below `t`'s decimal
    /// (rounding is monotone; the one case it cannot separate, text and `t` rounding to
    /// the same double, is the step down).
    static func comparableDouble(_ text: String) -> Double? {
        guard let decimal = DecimalText(text), let nearest = Double(text), nearest.isFinite else { return nil }
        return decimal < DecimalText(nearest) ? nearest.nextDown : nearest
    }
}
