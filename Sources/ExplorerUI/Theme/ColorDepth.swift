/// How many colours the terminal shows. Every colour goes through
/// `terminalColor(_:)` here, so the depth is decided in one place.
public enum ColorDepth: Equatable, Sendable {
    /// 24-bit colour: the terminal's colour numbers are packed 0xRRGGBB.
    case trueColor
    case palette256
    case palette16
    case palette8
    /// NO_COLOR, a monochrome theme or a terminal without colour: attributes only.
    case none

    /// Picks the depth from the environment and what terminfo reports.
    /// `NO_COLOR` (any non-empty value, see no-color.org) turns colour off.
    /// `COLORTERM=truecolor` or `24bit` selects 24-bit colour only when
    /// terminfo also reports direct colour, because ncurses can only send
    /// 24-bit colours through a terminfo entry that has them.
    public static func detect(environment: [String: String], terminfoColors: Int, directColor: Bool) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        let colorTerm = environment["COLORTERM"]?.lowercased() ?? ""
        if directColor && (colorTerm == "truecolor" || colorTerm == "24bit" || terminfoColors >= 0x1000000) {
            return .trueColor
        }
        if terminfoColors >= 256 { return .palette256 }
        if terminfoColors >= 16 { return .palette16 }
        if terminfoColors >= 8 { return .palette8 }
        return .none
    }

    /// Returns the ncurses colour number for `color` at this depth, or -1
    /// for the terminal's default colour.
    public func terminalColor(_ color: ColorSpec) -> Int32 {
        switch (self, color) {
        case (.none, _), (_, .terminalDefault):
            return -1
        case (.trueColor, .rgb(let rgb)):
            return Int32(rgb.red) << 16 | Int32(rgb.green) << 8 | Int32(rgb.blue)
        case (.trueColor, .indexed(let index)):
            let rgb = xtermPaletteColor(index)
            return Int32(rgb.red) << 16 | Int32(rgb.green) << 8 | Int32(rgb.blue)
        case (.palette256, .indexed(let index)):
            return Int32(index)
        case (.palette256, .rgb(let rgb)):
            return Int32(nearest256(rgb))
        case (.palette16, .indexed(let index)):
            return index < 16 ? Int32(index) : Int32(nearestANSI(xtermPaletteColor(index), count: 16))
        case (.palette16, .rgb(let rgb)):
            return Int32(nearestANSI(rgb, count: 16))
        case (.palette8, .indexed(let index)):
            if index < 8 { return Int32(index) }
            if index < 16 { return Int32(index - 8) }
            return Int32(nearestANSI(xtermPaletteColor(index), count: 8))
        case (.palette8, .rgb(let rgb)):
            return Int32(nearestANSI(rgb, count: 8))
        }
    }
}

// MARK: - The xterm palette

/// The six levels of xterm's 6x6x6 colour cube (xterm's 256colres.pl).
private let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

/// xterm's default colours for the 16 ANSI entries.
private let ansiColors: [RGB] = [
    RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
    RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
    RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
    RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
]

/// Returns the RGB value xterm uses for palette entry `index`.
public func xtermPaletteColor(_ index: UInt8) -> RGB {
    let value = Int(index)
    if value < 16 { return ansiColors[value] }
    if value >= 232 {
        let grey = UInt8(8 + 10 * (value - 232))
        return RGB(grey, grey, grey)
    }
    let cube = value - 16
    return RGB(UInt8(cubeLevels[cube / 36]), UInt8(cubeLevels[(cube / 6) % 6]), UInt8(cubeLevels[cube % 6]))
}

private func distance(_ a: RGB, _ b: RGB) -> Int {
    let red = Int(a.red) - Int(b.red)
    let green = Int(a.green) - Int(b.green)
    let blue = Int(a.blue) - Int(b.blue)
    return red * red + green * green + blue * blue
}

/// Returns the palette index in 16-255 closest to `rgb`: the nearest cube
/// colour or the nearest grey, whichever is closer. Entries 0-15 are skipped
/// because terminals often redefine them.
public func nearest256(_ rgb: RGB) -> UInt8 {
    func nearestLevel(_ channel: UInt8) -> Int {
        var best = 0
        for (index, level) in cubeLevels.enumerated() where abs(level - Int(channel)) < abs(cubeLevels[best] - Int(channel)) {
            best = index
        }
        return best
    }
    let cubeIndex = 16 + 36 * nearestLevel(rgb.red) + 6 * nearestLevel(rgb.green) + nearestLevel(rgb.blue)

    let average = (Int(rgb.red) + Int(rgb.green) + Int(rgb.blue)) / 3
    let greyStep = min(23, max(0, (average - 3) / 10))
    let greyIndex = 232 + greyStep

    let cubeColor = xtermPaletteColor(UInt8(cubeIndex))
    let greyColor = xtermPaletteColor(UInt8(greyIndex))
    return UInt8(distance(rgb, greyColor) < distance(rgb, cubeColor) ? greyIndex : cubeIndex)
}

/// Returns the index of the nearest of the first `count` ANSI colours (8 or 16).
public func nearestANSI(_ rgb: RGB, count: Int) -> UInt8 {
    var best = 0
    for index in 1..<min(count, ansiColors.count) where distance(rgb, ansiColors[index]) < distance(rgb, ansiColors[best]) {
        best = index
    }
    return UInt8(best)
}
