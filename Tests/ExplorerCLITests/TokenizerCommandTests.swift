import Foundation
import XCTest
@testable import ExplorerCLI

/// Runs the tokenizer commands through Program.run with captured output.
final class TokenizerCommandTests: XCTestCase {


    func testTokenizeHumanFormat() {
        let result = runProgram(["tokenize", "a painting of a cat"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, """
            text    "a painting of a cat"
            length  7 tokens of 77 (start and end included), pad id 0
            pieces  <|startoftext|> a</w> painting</w> of</w> a</w> cat</w> <|endoftext|>
            ids     49406 320 3086 539 320 2368 49407


            """)
    }

    func testTokenizeJSONFields() throws {
        let result = runProgram(["tokenize", "--json", "--context-length", "8", "--pad-id", "49407", "bozuman"])
        XCTAssertEqual(result.status, 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        XCTAssertEqual(object?["text"] as? String, "bozuman")
        XCTAssertEqual(object?["ids"] as? [Int], [647, 4091, 786])
        XCTAssertEqual(object?["pieces"] as? [String], ["bo", "zu", "man</w>"])
        XCTAssertEqual(object?["input_ids"] as? [Int], [49406, 647, 4091, 786, 49407, 49407, 49407, 49407])
        XCTAssertEqual(object?["length"] as? Int, 5)
        XCTAssertEqual(object?["truncated"] as? Bool, false)
        XCTAssertEqual(object?["pad_id"] as? Int, 49407)
    }

    func testTokenizeTruncatedJSON() throws {
        let result = runProgram(["tokenize", "--json", "--context-length", "4", "a cat and a dog"])
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        XCTAssertEqual(object?["input_ids"] as? [Int], [49406, 320, 2368, 49407])
        XCTAssertEqual(object?["length"] as? Int, 7)
        XCTAssertEqual(object?["truncated"] as? Bool, true)
    }

    func testTensorFormatMatchesTorchPrint() {
        // Golden text: PyTorch 2.15 printing the int32 tensor clip.tokenize(["a painting of a cat"]) returns.
        let result = runProgram(["tokenize", "--format", "tensor", "a painting of a cat"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, """
            tensor([[49406,   320,  3086,   539,   320,  2368, 49407,     0,     0,     0,
                         0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
                         0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
                         0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
                         0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
                         0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
                         0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
                         0,     0,     0,     0,     0,     0,     0]], dtype=torch.int32)

            """)
        XCTAssertTrue(result.err.contains("pad id 0"))
    }

    func testTensorFormatSummarizesLikeTorch() {
        // Golden text: torch prints a 14 x 77 tensor (over 1000 elements) with 3 edge items.
        let texts = [String](repeating: "", count: 14)
        let result = runProgram(["tokenize", "--format", "tensor", "--pad-id", "0"] + texts)
        XCTAssertEqual(result.out, """
            tensor([[49406, 49407,     0,  ...,     0,     0,     0],
                    [49406, 49407,     0,  ...,     0,     0,     0],
                    [49406, 49407,     0,  ...,     0,     0,     0],
                    ...,
                    [49406, 49407,     0,  ...,     0,     0,     0],
                    [49406, 49407,     0,  ...,     0,     0,     0],
                    [49406, 49407,     0,  ...,     0,     0,     0]], dtype=torch.int32)

            """)
    }

    func testTruncatedHumanFormatShowsKeptTokens() {
        let result = runProgram(["tokenize", "--context-length", "4", "a cat and a dog"])
        XCTAssertEqual(result.out, """
            text    "a cat and a dog"
            length  7 tokens of 4 (start and end included), truncated to the first 4 with <|endoftext|> last, pad id 0
            pieces  <|startoftext|> a</w> cat</w> <|endoftext|>
            ids     49406 320 2368 49407


            """)
    }

    func testNoTruncateFailsWithCountAndLimit() {
        let result = runProgram(["tokenize", "--no-truncate", String(repeating: "cat ", count: 80)])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("82 tokens"), result.err)
        XCTAssertTrue(result.err.contains("context length 77"), result.err)
        XCTAssertEqual(result.out, "")
    }

    func testBadArgumentsExitTwo() {
        XCTAssertEqual(runProgram(["tokenize"]).status, 2)
        XCTAssertEqual(runProgram(["tokenize", "--format", "xml", "a"]).status, 2)
        XCTAssertEqual(runProgram(["tokenize", "--context-length", "1", "a"]).status, 2)
        XCTAssertEqual(runProgram(["tokenize", "--pad-id", "-1", "a"]).status, 2)
        XCTAssertEqual(runProgram(["tokenize", "--jsonl", "a"]).status, 2)
        XCTAssertEqual(runProgram(["decode", "49408"]).status, 2)
        XCTAssertEqual(runProgram(["decode", "cat"]).status, 2)
        XCTAssertEqual(runProgram(["vocab"]).status, 2)
        XCTAssertEqual(runProgram(["vocab", "--search", ""]).status, 2)
        XCTAssertEqual(runProgram(["vocab", "--limit", "3", "320"]).status, 2)
    }

    func testHelpForEveryCommand() {
        for command in ["tokenize", "decode", "vocab"] {
            let result = runProgram([command, "--help"])
            XCTAssertEqual(result.status, 0, command)
            XCTAssertTrue(result.out.hasPrefix(Program.commands.first { $0.name == command }?.summary ?? "?"), command)
            XCTAssertTrue(result.out.contains("usage: clip-explorer \(command)"), command)
        }
    }

    func testDecode() {
        XCTAssertEqual(runProgram(["decode", "49406", "647", "4091", "786", "49407"]).out, "<|startoftext|>bozuman <|endoftext|>\n")
        XCTAssertEqual(runProgram(["decode", "--skip-special", "[49406, 647, 4091, 786, 49407]"]).out, "bozuman \n")
        XCTAssertEqual(runProgram(["decode", "--skip-special", "49406,320,2368,49407,0,0,0"]).out, "a cat \n")
    }

    func testVocabLookupAndSearch() {
        XCTAssertEqual(runProgram(["vocab", "320", "786"]).out, "  320  a</w>  \"a\"\n  786  man</w>  \"man\"\n")
        let search = runProgram(["vocab", "--search", "zum", "--limit", "2"])
        XCTAssertEqual(search.out, "23326  zuma</w>  \"zuma\"\n32976  zumba</w>  \"zumba\"\n")
        XCTAssertTrue(search.err.contains("limit reached"), search.err)
    }
}

/// Runs the built binary with standard input, as a script would.
final class TokenizerProcessTests: XCTestCase {
    final class Capture: @unchecked Sendable {
        var data = Data()
    }

    func binaryURL() throws -> URL {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let url = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("clip-explorer")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("clip-explorer is not built next to the tests; run swift build --build-tests")
        }
        return url
    }

    func runBinary(_ arguments: [String], input: [UInt8]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = try binaryURL()
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errData = Capture()
        let errReader = Thread { errData.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errReader.isExecuting || !errReader.isFinished { usleep(1000) }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.data, as: UTF8.self))
    }

    func testJSONLinesCarryNewlinesAndControlCharacters() throws {
        let input = "\"a cat\\nand a dog\"\n\"\\u0000x\\ud83d\\ude00\"\nnot json\n\"bozuman\"\n"
        let result = try runBinary(["tokenize", "--jsonl"], input: Array(input.utf8))
        XCTAssertEqual(result.status, 1, "a bad line makes the status 1")
        let lines = result.out.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[0]?["ids"] as? [Int], [320, 2368, 537, 320, 1929])
        XCTAssertEqual(lines[1]?["text"] as? String, "\u{0}x😀")
        XCTAssertEqual(lines[2]?["line"] as? Int, 3)
        XCTAssertEqual(lines[3]?["ids"] as? [Int], [647, 4091, 786])
        XCTAssertTrue(result.err.contains("line 3: invalid JSON string"), result.err)
    }

    func testLineModeReplacesInvalidUTF8AndWarns() throws {
        let input: [UInt8] = Array("a cat\n".utf8) + [0x63, 0x61, 0xFF, 0x74, 0x0A] + Array("\n".utf8)
        let result = try runBinary([], input: input)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.out.contains("ids     49406 320 2368 49407"), result.out)
        XCTAssertTrue(result.out.contains("text    \"ca\u{FFFD}t\""), result.out)
        XCTAssertTrue(result.out.contains("ids     49406 49407"), "the empty line gives start and end only")
        XCTAssertTrue(result.err.contains("line 2 is not valid UTF-8"), result.err)
    }

    func testLineModeHandlesNULAndATenMegabyteLine() throws {
        var input = Array("a\u{0}b\n".utf8)
        let words = Array("a photo of a cat ".utf8)
        for _ in 0..<(10_000_000 / words.count) { input += words }
        input.append(0x0A)
        let result = try runBinary([], input: input)
        XCTAssertEqual(result.status, 0)
        let blocks = result.out.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        XCTAssertEqual(blocks.count, 2)
        XCTAssertTrue(blocks[0].contains("pieces  <|startoftext|> ab</w> <|endoftext|>"), blocks[0])
        XCTAssertTrue(blocks[1].contains("truncated to the first 77 with <|endoftext|> last"), String(blocks[1].prefix(300)))
    }

    func testMissingVocabularyNamesTheFile() throws {
        let process = Process()
        process.executableURL = try binaryURL()
        process.arguments = ["tokenize", "a cat"]
        process.environment = ["CLIP_EXPLORER_VOCAB": "/nonexistent/bpe_simple_vocab_16e6.txt.gz"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1)
        XCTAssertTrue(message.contains("/nonexistent/bpe_simple_vocab_16e6.txt.gz"), message)
    }
}
