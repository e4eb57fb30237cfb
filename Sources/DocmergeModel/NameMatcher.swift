import Foundation

/// Decides whether two written names are the same person's. Robust to case, accents
/// (`José`/`Jose`), order (`Doe, Jane`/`Jane Doe`), punctuation, digits and middle
/// initials or extra middle names; still low for a different first or family name.
///
/// Measure: names become sets of folded tokens (initials dropped when a longer token
/// remains); tokens are paired one-to-one by best score (every token of the shorter name
/// gets a partner), and the similarity is the *weakest* of those pairs. The weakest link,
/// not the average: `Jane Doe` and `John Doe` share a family name but are different people.
///
/// Two tokens score their Jaro–Winkler similarity, capped by their edit distance
/// (1 − edits / longer length), because Jaro–Winkler alone rates short names with a common
/// start as alike (`James`/`Jane` 0.83, `Joan`/`John` 0.87, `Josefina`/`José` 0.90). One
/// letter added or dropped inside a name is a spelling variant and keeps its Jaro–Winkler
/// score (`Jon`/`John`, `Philip`/`Phillip`); an added ending is another name
/// (`Jane`/`Janet`).
public enum NameMatcher {
    public static func similarity(_ a: String, _ b: String) -> Double {
        let left = tokens(a), right = tokens(b)
        if left.isEmpty || right.isEmpty { return left.isEmpty && right.isEmpty ? 1 : 0 }
        if Array(left.joined()) == Array(right.joined()) { return 1 }
        // One-to-one: pair tokens greedily by best score, each token used once, so one
        // name's token cannot vouch for two of the other's (`Garcia` is not `Maria`).
        var pairs: [(score: Double, i: Int, j: Int)] = []
        for (i, a) in left.enumerated() {
            for (j, b) in right.enumerated() { pairs.append((tokenSimilarity(a, b), i, j)) }
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

    /// Two tokens: Jaro–Winkler, capped by edit distance unless one letter inside the
    /// name was added or dropped. An added ending counts against the shorter name.
    static func tokenSimilarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        if a == b { return 1 }
        let score = jaroWinkler(a, b)
        if oneInnerLetterApart(a, b) { return score }
        let (long, short) = a.count > b.count ? (a, b) : (b, a)
        if long.starts(with: short) { return min(score, max(0, 1 - Double(long.count - short.count) / Double(short.count))) }
        return min(score, 1 - Double(editDistance(a, b)) / Double(long.count))
    }

    /// The longer token is the shorter one with one letter more, not at its end.
    static func oneInnerLetterApart(_ a: [UInt32], _ b: [UInt32]) -> Bool {
        let (long, short) = a.count > b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return false }
        var i = 0
        while i < short.count, long[i] == short[i] { i += 1 }
        return i < short.count && long[(i + 1)...].elementsEqual(short[i...])
    }

    /// Levenshtein distance (insertions, deletions, substitutions of letters).
    static func editDistance(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Lowercased, accent-free tokens of letters (as Unicode scalar values); punctuation and
    /// digits are separators; single letters (initials) are dropped when the name has
    /// longer tokens.
    public static func tokens(_ name: String) -> [[UInt32]] {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var result: [[UInt32]] = []
        var current: [UInt32] = []
        for scalar in folded.unicodeScalars {
            if CharacterSet.letters.contains(scalar) {
                current.append(scalar.value)
            } else if !current.isEmpty {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        let long = result.filter { $0.count > 1 }
        return long.isEmpty ? result : long
    }

    public static func jaroWinkler(_ s: [UInt32], _ t: [UInt32]) -> Double {
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
