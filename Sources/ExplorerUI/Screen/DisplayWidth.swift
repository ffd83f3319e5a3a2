// Terminal display width by grapheme cluster.
//
// A terminal column count comes from the East Asian Width property (Unicode
// UAX #11) and emoji presentation (UTS #51). Swift's `Character` is already a
// grapheme cluster, so a ZWJ emoji sequence, a flag or a letter with combining
// marks is one unit here and never splits across cells.

/// Returns the number of terminal columns `character` occupies: 0 for a
/// control character, 2 for wide and emoji-presentation clusters, else 1.
public func displayWidth(of character: Character) -> Int {
    // Fast path: most prompts are ASCII, and "\r\n" is one ASCII control character.
    if let ascii = character.asciiValue {
        return ascii >= 0x20 && ascii != 0x7F ? 1 : 0
    }
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return 0 }
    if isControl(first) { return 0 }

    // VS16 (U+FE0F) selects emoji presentation; a ZWJ sequence, a keycap or a
    // regional-indicator flag draws as one wide emoji.
    var sawJoiner = false
    for scalar in scalars {
        if scalar.value == 0xFE0F || scalar.value == 0x20E3 { return 2 }
        if scalar.value == 0x200D { sawJoiner = true }
    }
    if sawJoiner && first.properties.isEmoji { return 2 }
    if first.properties.isEmojiPresentation { return 2 }
    if (0x1F1E6...0x1F1FF).contains(first.value) { return 2 }
    if isEastAsianWide(first.value) { return 2 }
    return 1
}

/// Returns the columns `text` occupies when printed on one line.
public func displayWidth(of text: some StringProtocol) -> Int {
    var total = 0
    for character in text { total += displayWidth(of: character) }
    return total
}

/// C0, DEL and C1 controls print nothing; the screen model shows them as `�`.
func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
}

/// East Asian Wide (W) and Fullwidth (F) blocks, merged. Together with
/// `isEmojiPresentation` they cover every assigned W and F code point of
/// Python 3.11's unicodedata (Unicode 14.0), checked against it.
private let wideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC,
    0x23F0...0x23F0, 0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615,
    0x2E80...0x303E, 0x3041...0x3247, 0x3250...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
    0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
    0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
    0x16FE0...0x16FF1, 0x17000...0x18D08, 0x1AFF0...0x1B2FF,
    0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
]

private func isEastAsianWide(_ value: UInt32) -> Bool {
    if value < 0x1100 { return false }
    var low = 0
    var high = wideRanges.count - 1
    while low <= high {
        let middle = (low + high) / 2
        let range = wideRanges[middle]
        if value < range.lowerBound {
            high = middle - 1
        } else if value > range.upperBound {
            low = middle + 1
        } else {
            return true
        }
    }
    return false
}
