import Foundation
import XCTest
@testable import CLIPTokenizer

/// Compares every line of the fixtures made by tools/tokenizer/generate_fixtures.py
/// with OpenAI's tokenizer (openai-clip 1.0.1, ftfy 6.3.1).
final class FixtureTests: XCTestCase {
    struct FixtureLine {
        let category: String
        let text: String
        let ids: [Int32]
    }

    static func loadFixture(_ name: String) throws -> [FixtureLine] {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "jsonl.gz") else {
            throw TokenizerError.unreadableFile(path: "Fixtures/\(name).jsonl.gz", reason: "not in the test bundle")
        }
        let bytes = try GzipFile.read(path: url.path)
        var lines: [FixtureLine] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            guard let category = object?["category"] as? String, let text = object?["text"] as? String,
                  let ids = object?["ids"] as? [Int] else {
                throw TokenizerError.invalidVocabulary(path: url.path, line: lines.count + 1, reason: "bad fixture line")
            }
            lines.append(FixtureLine(category: category, text: text, ids: ids.map { Int32($0) }))
        }
        return lines
    }

    func compare(_ name: String, minimumLines: Int) throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let lines = try Self.loadFixture(name)
        XCTAssertGreaterThanOrEqual(lines.count, minimumLines, "\(name) fixture is short")

        var mismatches: [String: Int] = [:]
        var reported = 0
        for line in lines {
            let ids = tokenizer.encode(line.text)
            guard ids != line.ids else { continue }
            mismatches[line.category, default: 0] += 1
            if reported < 8 {
                reported += 1
                let escaped = line.text.unicodeScalars.prefix(120).map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
                XCTFail("\(name) [\(line.category)] \"\(escaped)\"\n  expected \(line.ids.prefix(40))\n  actual   \(ids.prefix(40))")
            }
        }
        let total = mismatches.values.reduce(0, +)
        XCTAssertEqual(total, 0, "\(name): \(total) of \(lines.count) lines differ, by category: \(mismatches.sorted { $0.key < $1.key })")
    }

    func testPromptFixtureMatches() throws {
        try compare("prompts", minimumLines: 100_000)
    }

    func testMultilingualFixtureMatches() throws {
        try compare("multilingual", minimumLines: 5_000)
    }

    func testAdversarialFixtureMatches() throws {
        try compare("adversarial", minimumLines: 1_000)
    }
}
