/// CLIP's text cleanup, step for step as OpenAI's SimpleTokenizer.encode does it:
///
///     ftfy.fix_text(text)            # ftfy 6.3.1 defaults
///     html.unescape(html.unescape(text)).strip()
///     re.sub(r'\s+', ' ', text).strip()   # the `regex` module's \s
///     text.lower()
///
/// Character properties come from tables generated from Python 3.11, so the
/// result does not depend on Swift's Unicode version.
enum TextCleaner {
    static func clean(_ text: TrackedText) -> TrackedText {
        var result = Ftfy.fixText(text)
        result = HTMLUnescape.unescape(result)
        result = HTMLUnescape.unescape(result)
        result = strip(result)
        result = collapseWhitespace(result)
        result = strip(result)
        return Lowercase.lower(result)
    }

    /// Removes leading and trailing characters for which Python's `str.isspace` holds.
    static func strip(_ text: TrackedText) -> TrackedText {
        let classes = CharacterClasses.shared
        var low = 0
        var high = text.count
        while low < high, classes.has(CharacterClasses.pythonSpace, text.scalars[low]) { low += 1 }
        while high > low, classes.has(CharacterClasses.pythonSpace, text.scalars[high - 1]) { high -= 1 }
        if low == 0 && high == text.count { return text }
        return text.slice(low..<high)
    }

    /// Replaces each run of regex `\s` characters with one space.
    static func collapseWhitespace(_ text: TrackedText) -> TrackedText {
        let classes = CharacterClasses.shared
        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        var index = 0
        while index < text.count {
            guard classes.has(CharacterClasses.regexSpace, text.scalars[index]) else {
                result.append(text.scalars[index], from: text, at: index)
                index += 1
                continue
            }
            let start = index
            while index < text.count, classes.has(CharacterClasses.regexSpace, text.scalars[index]) { index += 1 }
            result.append(0x20, from: text, start..<index)
        }
        return result
    }
}

/// Python 3.11's `str.lower()`, including the final-sigma rule.
enum Lowercase {
    static let mappings: [UInt32: [UInt32]] = parseMappings(lowercaseMappings)

    static func lower(_ text: TrackedText) -> TrackedText {
        let classes = CharacterClasses.shared
        var result = TrackedText(tracking: text.tracking, capacity: text.count)
        for index in 0..<text.count {
            let scalar = text.scalars[index]
            if !classes.has(CharacterClasses.changesWhenLowered, scalar) {
                result.append(scalar, from: text, at: index)
            } else if scalar < 0x80 {
                let lowered = (0x41...0x5A).contains(scalar) ? scalar + 0x20 : scalar
                result.append(lowered, from: text, at: index)
            } else if scalar == 0x3A3 {
                result.append(isFinalSigma(text.scalars, at: index) ? 0x3C2 : 0x3C3, from: text, at: index)
            } else if let lowered = mappings[scalar] {
                for piece in lowered { result.append(piece, from: text, at: index) }
            } else {
                result.append(scalar, from: text, at: index)
            }
        }
        return result
    }

    /// Python lowercases capital sigma to final sigma when a cased letter precedes
    /// it and none follows, skipping case-ignorable characters both ways.
    static func isFinalSigma(_ scalars: [UInt32], at index: Int) -> Bool {
        let classes = CharacterClasses.shared
        var before = index - 1
        while before >= 0, classes.has(CharacterClasses.caseIgnorable, scalars[before]) { before -= 1 }
        guard before >= 0, classes.has(CharacterClasses.cased, scalars[before]) else { return false }

        var after = index + 1
        while after < scalars.count, classes.has(CharacterClasses.caseIgnorable, scalars[after]) { after += 1 }
        return after == scalars.count || !classes.has(CharacterClasses.cased, scalars[after])
    }
}
