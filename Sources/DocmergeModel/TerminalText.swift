/// Text from input (document names, models, patient names, snippets, reviewer names,
/// reasons, file names) made safe to print on a terminal: nothing in it can move the
/// cursor, start an escape sequence, ring the bell, end the line, or reorder what follows.
///
/// Escaped: every C0 control (U+0000–U+001F, so ESC, CR, LF, TAB, BEL…), DEL, every C1
/// control (U+0080–U+009F, CSI included), the bidirectional formatting characters
/// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and paragraph
/// separators (U+2028, U+2029). Everything else, accents and emoji included, is kept.
/// The escapes are `\n`, `\r`, `\t` and `\uHHHH` for everything else (`\u001B` for ESC,
/// `\u202E` for RIGHT-TO-LEFT OVERRIDE): a reader sees what was there, and they are JSON's own
/// spellings, so JSON text that passes through `lines` stays the same JSON.
public enum TerminalText {
    /// One field: the result is a single line.
    public static func escape(_ text: String) -> String {
        escape(text, keepingNewlines: false)
    }

    /// Text this program laid out in lines: the newlines stay, anything else is escaped.
    public static func lines(_ text: String) -> String {
        escape(text, keepingNewlines: true)
    }

    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x061C || v == 0x200E || v == 0x200F
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x2028 || v == 0x2029
    }

    static func escape(_ text: String, keepingNewlines: Bool) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar), !(keepingNewlines && scalar == "\n") else {
                out.append(scalar)
                continue
            }
            out.append(contentsOf: spelled(scalar).unicodeScalars)
        }
        return String(out)
    }

    /// `\n`, `\r`, `\t`, else `\uHHHH`: the spellings JSON uses too, so a line of JSON that
    /// passes through `lines` is still the same JSON.
    static func spelled(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }

    /// JSON text for a terminal, still the same JSON: the characters above that JSON
    /// allows raw inside strings (DEL, C1, the formatting characters) become `\uHHHH`
    /// escapes, which parse back to the same value. C0 controls never appear raw in JSON
    /// this program writes. Outside strings JSON holds only ASCII, so nothing else moves.
    public static func json(_ bytes: [UInt8]) -> [UInt8] {
        // Fast path: every byte to escape is DEL or starts a multi-byte sequence (C2 for
        // C1 controls, D8 for U+061C, E2 for the U+20xx ones).
        guard bytes.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if needsEscape(scalar) && scalar.value >= 0x20 {
                out.append(contentsOf: spelled(scalar).utf8)
            } else {
                out.append(contentsOf: String(scalar).utf8)
            }
        }
        return out
    }
}
