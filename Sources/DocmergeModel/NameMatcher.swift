import Foundation

/// Decides whether two written names are the same person's. Robust to case, accents
/// (`José`/`Jose`), order (`Doe, Jane`/`Jane Doe`), punctuation, digits and middle
/// initials or extra middle names; still low for a different first or family name.
///
/// Measure: names become sets of folded tokens (initials dropped when a longer token
/// remains); tokens are paired one-to-one by best Jaro–Winkler score (every token of the
/// shorter name gets a partner), and the similarity is the *weakest* of those pairs.
/// The weakest link, not the average: `Jane Doe` and `John Doe` share a family name
/// but are different people.
public enum NameMatcher {
    public static func similarity(_ a: String, _ b: String) -> Double {
        let left = tokens(a), right = tokens(b)
        if left.isEmpty || right.isEmpty { return left.isEmpty && right.isEmpty ? 1 : 0 }
        if Array(left.joined()) == Array(right.joined()) { return 1 }
        // One-to-one: pair tokens greedily by best score, each token used once, so one
        // name's token cannot vouch for two of the other's (`Garcia` is not `Maria`).
        var pairs: [(score: Double, i: Int, j: Int)] = []
        for (i, a) in left.enumerated() {
            for (j, b) in right.enumerated() { pairs.append((jaroWinkler(a, b), i, j)) }
        }
        pairs.sort { $0.score > $1.score }
        var usedLeft = Set<Int>(), usedRight = Set<Int>()
        var weakest = 1.0
        for pair in pairs where !usedLeft.contains(pair.i) && !usedRight.contains(pair.j) {
            usedLeft.insert(pair.i)
            usedRight.insert(pair.j)
            weakest = min(weakest, pair.score)
        }
        return weakest
    }

    /// Lowercased, accent-free tokens; punctuation and digits are separators; single
    /// letters (initials) are dropped when the name has longer tokens.
    public static func tokens(_ name: String) -> [[UInt8]] {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var result: [[UInt8]] = []
        var current: [UInt8] = []
        for scalar in folded.unicodeScalars {
            if CharacterSet.letters.contains(scalar) {
                if scalar.isASCII { current.append(UInt8(scalar.value)) } else { current.append(contentsOf: Array(String(scalar).utf8)) }
            } else if !current.isEmpty {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        let long = result.filter { $0.count > 1 }
        return long.isEmpty ? result : long
    }

    public static func jaroWinkler(_ s: [UInt8], _ t: [UInt8]) -> Double {
        if s == t { return 1 }
        if s.isEmpty || t.isEmpty { return 0 }
        let window = max(0, max(s.count, t.count) / 2 - 1)
        var sMatched = [Bool](repeating: false, count: s.count)
        var tMatched = [Bool](repeating: false, count: t.count)
        var matches = 0
        for i in 0..<s.count {
            let lo = max(0, i - window), hi = min(t.count - 1, i + window)
            if lo > hi { continue }
            for j in lo...hi where !tMatched[j] && s[i] == t[j] {
                sMatched[i] = true
                tMatched[j] = true
                matches += 1
                break
            }
        }
        if matches == 0 { return 0 }
        var transpositions = 0
        var j = 0
        for i in 0..<s.count where sMatched[i] {
            while !tMatched[j] { j += 1 }
            if s[i] != t[j] { transpositions += 1 }
            j += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(s.count) + m / Double(t.count) + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        while prefix < min(4, s.count, t.count), s[prefix] == t[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }
}
