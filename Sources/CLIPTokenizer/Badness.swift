/// ftfy 6.3.1's `is_bad`: true when the text contains a sequence of
/// characters that rarely occurs except in mojibake (UTF-8 decoded with a
/// single-byte encoding).
///
/// The character categories come from ftfy's tables (generated); the
/// sequences below restate the alternatives of ftfy's BADNESS_RE in its
/// order. Each class gets one bit of a 128-bit mask, each code point the
/// mask of the classes it belongs to, and a sequence matches when every
/// position's mask has that position's bit.
enum Badness {
    /// A character class of the heuristic.
    enum CharClass {
        case categories([String], extra: String = "")
        case literal(String)
        case asciiLower
        case asciiLetter
        case whitespace            // Python re's \s
        case word                  // Python re's \w
        case notASCIILetter
        case notNewline            // '.'
    }

    /// ftfy's categories by name, expanded from the generated ranges.
    static let categories: [String: [ClosedRange<UInt32>]] = {
        var table: [String: [ClosedRange<UInt32>]] = [:]
        for entry in mojibakeCategories.split(separator: ";") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            table[String(parts[0])] = parseRanges(String(parts[1]))
        }
        return table
    }()

    static let letters = ["lower_accented", "upper_accented"]
    static let punctuation = ["start_punctuation", "end_punctuation"]

    /// The alternatives of BADNESS_RE as class sequences; `anchored` ones only match at the start.
    static let sequences: [(classes: [CharClass], anchored: Bool)] = {
        let la = "lower_accented", ua = "upper_accented", sp = "start_punctuation", ep = "end_punctuation"
        let cur = "currency", num = "numeric", bad = "bad", box = "box", law = "law", c1 = "c1"
        let lc = "lower_common", uc = "upper_common", common = "common", kaomoji = "kaomoji"
        func c(_ names: String..., extra: String = "") -> CharClass { .categories(names, extra: extra) }
        func l(_ text: String) -> CharClass { .literal(text) }
        let list: [[CharClass]] = [
            [c(c1)],
            [c(bad, la, ua, box, sp, ep, cur, num, law), c(bad)],
            [.asciiLetter, c(lc, uc), c(bad)],
            [c(bad), c(la, ua, box, sp, ep, cur, num, law)],
            [c(la, lc, box, ep, cur, num), c(ua)],
            [c(box, ep, cur, num), c(la)],
            [c(la, box, ep), c(cur)],
            [.whitespace, c(ua), c(cur)],
            [c(ua, box), c(num, law)],
            [c(la, ua, box, cur, ep), c(sp), c(num)],
            [c(la, ua, cur, num, box, law), c(ep), c(sp)],
            [c(cur, num, box), c(sp)],
            [.asciiLower, c(ua), c(sp, cur)],
            [c(box), c(kaomoji)],
            [c(la, ua, cur, num, sp, ep, law), c(box)],
            [c(box), c(ep)],
            [c(la, ua), c(sp, ep), .word],
            [l("Œœ"), .notASCIILetter],
            [c(ua), l("°")],
            [l("ÂÃÎÐ"), c(sp, ep, extra: "€œŠš¢£Ÿž\u{A0}\u{AD}®©°·»–—´")],
            [l("×"), l("²³")],
            [l("ØÙ"), c(common, cur, bad, num, sp, extra: "ŸŠ®°µ»"), l("ØÙ"), c(common, cur, bad, num, sp, extra: "ŸŠ®°µ»")],
            [l("à"), l("²µ¹¼½¾")],
            [l("√"), l("±∂†≠®™´≤≥¥µø")],
            [l("≈"), l("°¢")],
            [l("‚"), l("Ä"), l("ìîïòôúùû†°¢π")],
            [l("‚"), l("âó"), l("àä°ê")],
            [l("в"), l("Ђ")],
            [l("ВГРС"), c(c1, bad, sp, ep, cur, extra: "°µ"), l("ВГРС")],
            [l("Г"), l("ў"), l("В"), l("Ђ"), l("В"), .notNewline, l("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ")],
            [l("Ã"), l("\u{A0}¡")],
            [.asciiLower, l("ÃÂ"), l(" ")],
            [.asciiLower, .whitespace, l("ÃÂ"), l(" ")],
            [l("ÃÂ"), l(" ")],  // anchored: ^[ÃÂ][ ]
            [c(ep, extra: "abcdefghijklmnopqrstuvwxyz.,?!"), l("Â"), c(sp, ep, extra: " ")],
            [l("β"), l("€"), l("™\u{A0}Ά\u{AD}®°")],
            [l("ΒΓΞΟ"), c(c1, bad, sp, ep, cur, extra: "°"), l("ΒΓΞΟ")],
            [l("ā"), l("€")],
        ]
        return list.enumerated().map { index, classes in (classes, index == 33) }
    }()

    /// Distinct classes, each with its bit, and every sequence as bit masks.
    private static let compiled: (classes: [CharClass], sequences: [(bits: [Int], anchored: Bool)]) = {
        var classes: [CharClass] = []
        var keys: [String: Int] = [:]
        var compiledSequences: [(bits: [Int], anchored: Bool)] = []
        for sequence in sequences {
            var bits: [Int] = []
            for charClass in sequence.classes {
                let key = String(describing: charClass)
                let bit: Int
                if let existing = keys[key] {
                    bit = existing
                } else {
                    bit = classes.count
                    keys[key] = bit
                    classes.append(charClass)
                }
                bits.append(bit)
            }
            compiledSequences.append((bits, sequence.anchored))
        }
        precondition(classes.count <= 128, "Badness classes must fit in a 128-bit mask")
        return (classes, compiledSequences)
    }()

    /// Returns the explicit members of a class, or nil for a class defined by a predicate.
    static func members(_ charClass: CharClass) -> Set<UInt32>? {
        switch charClass {
        case .categories(let names, let extra):
            var set = Set(extra.unicodeScalars.map(\.value))
            for name in names {
                for range in categories[name] ?? [] { set.formUnion(range) }
            }
            return set
        case .literal(let text):
            return Set(text.unicodeScalars.map(\.value))
        default:
            return nil
        }
    }

    private static let classMembers: [Set<UInt32>?] = compiled.classes.map(members)

    /// Class masks for the Basic Multilingual Plane, computed on first use.
    /// Two 64-bit words per code point: bit b of the mask is bit b % 64 of word b / 64.
    private static let bmpMasks: [UInt64] = {
        var masks = [UInt64](repeating: 0, count: 2 * 0x10000)
        for (bit, charClass) in compiled.classes.enumerated() {
            let flag: UInt64 = 1 << UInt64(bit % 64)
            if let set = classMembers[bit] {
                for member in set where member < 0x10000 { masks[2 * Int(member) + bit / 64] |= flag }
            } else {
                for scalar in 0..<0x10000 where matchesPredicate(charClass, UInt32(scalar)) { masks[2 * scalar + bit / 64] |= flag }
            }
        }
        return masks
    }()

    private static func appendMask(_ scalar: UInt32, to masks: inout [UInt64]) {
        if scalar < 0x10000 {
            masks.append(bmpMasks[2 * Int(scalar)])
            masks.append(bmpMasks[2 * Int(scalar) + 1])
            return
        }
        var words: [UInt64] = [0, 0]
        for (bit, charClass) in compiled.classes.enumerated() {
            let inClass = classMembers[bit]?.contains(scalar) ?? matchesPredicate(charClass, scalar)
            if inClass { words[bit / 64] |= 1 << UInt64(bit % 64) }
        }
        masks += words
    }

    static func matchesPredicate(_ charClass: CharClass, _ scalar: UInt32) -> Bool {
        switch charClass {
        case .categories, .literal:
            return members(charClass)?.contains(scalar) ?? false
        case .asciiLower:
            return (0x61...0x7A).contains(scalar)
        case .asciiLetter:
            return isASCIILetter(scalar)
        case .whitespace:
            return CharacterClasses.shared.has(CharacterClasses.pythonSpace, scalar)
        case .word:
            return isWordCharacter(scalar)
        case .notASCIILetter:
            return !isASCIILetter(scalar)
        case .notNewline:
            return scalar != 0x0A
        }
    }

    /// Python's `\w` for str patterns: letters, numbers (str.isalnum) and '_'.
    static func isWordCharacter(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return false }
        if value == 0x5F { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return scalar.properties.numericType != nil
        }
    }

    /// True when any of ftfy's mojibake sequences occurs in `scalars`.
    /// The union of every sequence's first class, as the two words of a mask.
    private static let firstClassMask: (UInt64, UInt64) = {
        var words: [UInt64] = [0, 0]
        for sequence in compiled.sequences {
            guard let bit = sequence.bits.first else { continue }
            words[bit / 64] |= 1 << UInt64(bit % 64)
        }
        return (words[0], words[1])
    }()

    static func isBad<C: RandomAccessCollection>(_ scalars: C) -> Bool where C.Element == UInt32, C.Index == Int {
        var masks: [UInt64] = []
        masks.reserveCapacity(2 * scalars.count)
        for scalar in scalars { appendMask(scalar, to: &masks) }
        let count = scalars.count
        let (firstLow, firstHigh) = firstClassMask
        for start in 0..<count {
            // Most characters (ASCII punctuation, CJK, ...) belong to no class a sequence starts with.
            if masks[2 * start] & firstLow == 0 && masks[2 * start + 1] & firstHigh == 0 { continue }
            for sequence in compiled.sequences {
                if sequence.anchored && start != 0 { continue }
                guard start + sequence.bits.count <= count else { continue }
                var matched = true
                for (offset, bit) in sequence.bits.enumerated()
                where masks[2 * (start + offset) + bit / 64] & (1 << UInt64(bit % 64)) == 0 {
                    matched = false
                    break
                }
                if matched { return true }
            }
        }
        return false
    }
}
