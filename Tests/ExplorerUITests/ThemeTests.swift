import Foundation
import XCTest
@testable import ExplorerUI

/// The repository's Themes/ folder, found from this file's path.
let shippedThemesFolder: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Themes").path

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("explorer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

final class ThemeTests: XCTestCase {
    let requiredThemes = ["default", "light", "solarized-dark", "gruvbox", "high-contrast", "monochrome"]

    func testShippedDefaultMatchesBuiltIn() throws {
        let (theme, issues) = try ThemeCatalog(folders: [shippedThemesFolder]).load("default")
        XCTAssertNil(issues)
        for key in ThemeKey.allCases {
            XCTAssertEqual(theme.colors[key], defaultThemeColors[key], "Themes/default.theme key \(key.rawValue)")
        }
    }

    func testShippedThemesParseCleanly() throws {
        let catalog = ThemeCatalog(folders: [shippedThemesFolder])
        for name in requiredThemes {
            let (theme, issues) = try catalog.load(name)
            XCTAssertNil(issues, "\(name): \(issues.map(describe) ?? "")")
            XCTAssertEqual(theme.name, name)
        }
        XCTAssertTrue(try catalog.load("monochrome").theme.monochrome)
        XCTAssertFalse(try catalog.load("gruvbox").theme.monochrome)
    }

    func testEveryShippedKeyHasCommentAbove() throws {
        for name in requiredThemes {
            let text = try String(contentsOfFile: shippedThemesFolder + "/\(name).theme", encoding: .utf8)
            let lines = text.components(separatedBy: "\n")
            var keys: Set<String> = []
            for (index, line) in lines.enumerated() where line.contains("=") && !line.hasPrefix("#") {
                XCTAssertGreaterThan(index, 0)
                XCTAssertTrue(lines[index - 1].hasPrefix("# "), "\(name).theme line \(index + 1) has no comment above it")
                keys.insert(line.components(separatedBy: "=")[0].trimmingCharacters(in: .whitespaces))
            }
            for key in ThemeKey.allCases {
                XCTAssertTrue(keys.contains(key.rawValue), "\(name).theme does not set \(key.rawValue)")
            }
        }
    }

    func testBadLinesAllReported() {
        let text = """
        # a comment
        text = #112233
        title.fg = bleu
        no equals sign here
        chip.9 = red
        bar = 256
        bar = #12345
        """
        let (theme, issues) = Theme.parse(text, name: "broken", path: "/t/broken.theme")
        XCTAssertEqual(issues.map(\.line), [3, 4, 5, 6, 7, 7])
        XCTAssertEqual(issues.map(\.key), ["title.fg", nil, "chip.9", "bar", "bar", "bar"])
        XCTAssertTrue(issues[0].description.hasPrefix("/t/broken.theme:3: key 'title.fg': invalid colour 'bleu'"), issues[0].description)
        XCTAssertTrue(issues[3].reason.contains("0 to 255"), issues[3].reason)
        XCTAssertTrue(issues[4].reason.contains("first set on line 6"), issues[4].reason)
        XCTAssertTrue(issues[5].reason.contains("#RRGGBB"), issues[5].reason)

        // Valid keys apply; bad ones keep the default theme's colour.
        XCTAssertEqual(theme.color(.text), .rgb(RGB(0x11, 0x22, 0x33)))
        XCTAssertEqual(theme.color(.titleForeground), defaultThemeColors[.titleForeground])
        XCTAssertEqual(theme.color(.bar), defaultThemeColors[.bar])
    }

    func testColourForms() {
        XCTAssertEqual(try Theme.parseColor("#FF8000").get(), .rgb(RGB(255, 128, 0)))
        XCTAssertEqual(try Theme.parseColor("208").get(), .indexed(208))
        XCTAssertEqual(try Theme.parseColor("Bright_Red").get(), .indexed(9))
        XCTAssertEqual(try Theme.parseColor("bright-blue").get(), .indexed(12))
        XCTAssertEqual(try Theme.parseColor("default").get(), .terminalDefault)
    }

    func testUserFolderComesFirst() throws {
        let user = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: user) }
        try "text = red\n".write(to: user.appendingPathComponent("gruvbox.theme"), atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog(folders: [user.path, shippedThemesFolder])
        XCTAssertEqual(try catalog.load("gruvbox").theme.color(.text), .indexed(1))
        XCTAssertTrue(catalog.names().contains("light"))
    }

    func testUnusableFilesGiveClearErrors() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data([0x74, 0x00, 0xFF]).write(to: folder.appendingPathComponent("binary.theme"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir.theme"), withIntermediateDirectories: true)
        let catalog = ThemeCatalog(folders: [folder.path])

        XCTAssertThrowsError(try catalog.load("binary")) { error in
            XCTAssertEqual(error as? ThemeError, .notText(path: folder.path + "/binary.theme"))
        }
        XCTAssertThrowsError(try catalog.load("dir")) { error in
            XCTAssertEqual(error as? ThemeError, .isDirectory(path: folder.path + "/dir.theme"))
        }
        XCTAssertThrowsError(try catalog.load("absent")) { error in
            XCTAssertEqual(error as? ThemeError, .notFound(name: "absent", searched: [folder.path]))
        }
        XCTAssertThrowsError(try catalog.load(folder.path + "/missing.theme")) { error in
            XCTAssertEqual(error as? ThemeError, .unreadable(path: folder.path + "/missing.theme", reason: "No such file or directory"))
        }
    }
}

final class ColorDepthTests: XCTestCase {
    func testDetection() {
        XCTAssertEqual(ColorDepth.detect(environment: ["NO_COLOR": "1", "COLORTERM": "truecolor"], terminfoColors: 256, directColor: true), .none)
        XCTAssertEqual(ColorDepth.detect(environment: ["NO_COLOR": ""], terminfoColors: 256, directColor: false), .palette256)
        XCTAssertEqual(ColorDepth.detect(environment: ["COLORTERM": "truecolor"], terminfoColors: 0x1000000, directColor: true), .trueColor)
        XCTAssertEqual(ColorDepth.detect(environment: ["COLORTERM": "24bit"], terminfoColors: 256, directColor: false), .palette256)
        XCTAssertEqual(ColorDepth.detect(environment: [:], terminfoColors: 8, directColor: false), .palette8)
        XCTAssertEqual(ColorDepth.detect(environment: [:], terminfoColors: 0, directColor: false), .none)
    }

    func testNearestColours() {
        XCTAssertEqual(nearest256(RGB(255, 0, 0)), 196)
        XCTAssertEqual(nearest256(RGB(128, 128, 128)), 244)
        XCTAssertEqual(nearest256(RGB(0, 95, 135)), 24)
        XCTAssertEqual(nearestANSI(RGB(250, 10, 10), count: 8), 1)
        XCTAssertEqual(nearestANSI(RGB(250, 10, 10), count: 16), 9)
        XCTAssertEqual(ColorDepth.trueColor.terminalColor(.rgb(RGB(0x12, 0x34, 0x56))), 0x123456)
        XCTAssertEqual(ColorDepth.palette256.terminalColor(.rgb(RGB(255, 0, 0))), 196)
        XCTAssertEqual(ColorDepth.palette8.terminalColor(.indexed(9)), 1)
        XCTAssertEqual(ColorDepth.none.terminalColor(.indexed(9)), -1)
        XCTAssertEqual(ColorDepth.palette256.terminalColor(.terminalDefault), -1)
    }

    func testMonochromeUsesAttributesOnly() {
        let theme = Theme(name: "m", monochrome: true)
        let chip = theme.style(for: .chip(3), colorEnabled: true)
        XCTAssertEqual(chip.foreground, .terminalDefault)
        XCTAssertTrue(chip.reverse)
        let colored = Theme.builtInDefault.style(for: .chip(3), colorEnabled: true)
        XCTAssertEqual(colored.background, defaultThemeColors[.chip4])
    }
}
