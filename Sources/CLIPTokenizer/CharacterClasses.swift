/// Per-code-point properties as Python 3.11, the `regex` module and ftfy see
/// them, built once from the generated range tables.
///
/// Two bytes of flags per code point (2.2 MB), so a lookup is one load.
struct CharacterClasses {
    static let letter: UInt16 = 1          // CLIP's [\p{L}] under IGNORECASE
    static let number: UInt16 = 2          // CLIP's [\p{N}] under IGNORECASE
    static let other: UInt16 = 4           // CLIP's [^\s\p{L}\p{N}] under IGNORECASE
    static let regexSpace: UInt16 = 8      // regex's \s
    static let pythonSpace: UInt16 = 16    // str.isspace
    static let cased: UInt16 = 32          // cased and not case-ignorable
    static let caseIgnorable: UInt16 = 64
    static let decimalDigit: UInt16 = 128  // re's \d
    static let nfcUnstable: UInt16 = 256   // NFC may change it or join it to the previous character
    static let removedControl: UInt16 = 512  // ftfy's remove_control_chars deletes it
    static let ligatureOrWidth: UInt16 = 1024  // ftfy's ligature or width table maps it
    static let changesWhenLowered: UInt16 = 2048  // str.lower() changes it (capital sigma included)

    static let shared = CharacterClasses()

    private let flags: [UInt16]

    private init() {
        var flags = [UInt16](repeating: 0, count: 0x110000)
        let tables: [(String, UInt16)] = [
            (letterRanges, Self.letter), (numberRanges, Self.number), (otherRanges, Self.other),
            (regexSpaceRanges, Self.regexSpace), (pythonSpaceRanges, Self.pythonSpace),
            (casedRanges, Self.cased), (caseIgnorableRanges, Self.caseIgnorable),
            (decimalDigitRanges, Self.decimalDigit), (nfcUnstableRanges, Self.nfcUnstable),
        ]
        for (ranges, flag) in tables {
            for range in parseRanges(ranges) {
                for codePoint in range { flags[Int(codePoint)] |= flag }
            }
        }
        // Flags that only make lookups in the ftfy and lower-case tables cheaper to skip.
        for codePoint in Ftfy.controlCharacters where codePoint < 0x110000 { flags[Int(codePoint)] |= Self.removedControl }
        for codePoint in Array(Ftfy.ligatures.keys) + Array(Ftfy.widths.keys) where codePoint < 0x110000 {
            flags[Int(codePoint)] |= Self.ligatureOrWidth
        }
        for codePoint in Array(Lowercase.mappings.keys) + [0x3A3] where codePoint < 0x110000 {
            flags[Int(codePoint)] |= Self.changesWhenLowered
        }
        self.flags = flags
    }

    @inline(__always)
    func flags(of scalar: UInt32) -> UInt16 {
        scalar < 0x110000 ? flags[Int(scalar)] : 0
    }

    @inline(__always)
    func has(_ flag: UInt16, _ scalar: UInt32) -> Bool {
        flags(of: scalar) & flag != 0
    }
}

/// Parses "41-5A,61" into closed ranges. The tables are generated, so a
/// malformed entry is a build mistake and is skipped rather than trapping.
func parseRanges(_ text: String) -> [ClosedRange<UInt32>] {
    var result: [ClosedRange<UInt32>] = []
    for item in text.split(separator: ",") {
        let bounds = item.split(separator: "-")
        guard let low = UInt32(bounds[0], radix: 16) else { continue }
        let high = bounds.count > 1 ? UInt32(bounds[1], radix: 16) ?? low : low
        if low <= high { result.append(low...high) }
    }
    return result
}

/// Parses "41:61;130:69 307" into a map from one code point to its replacement scalars.
func parseMappings(_ text: String) -> [UInt32: [UInt32]] {
    var result: [UInt32: [UInt32]] = [:]
    for item in text.split(separator: ";") {
        let parts = item.split(separator: ":")
        guard parts.count == 2, let key = UInt32(parts[0], radix: 16) else { continue }
        result[key] = parts[1].split(separator: " ").compactMap { UInt32($0, radix: 16) }
    }
    return result
}

/// Parses "41,42" into a set of code points.
func parseCodePoints(_ text: String) -> Set<UInt32> {
    Set(text.split(separator: ",").compactMap { UInt32($0, radix: 16) })
}
