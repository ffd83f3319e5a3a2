import XCTest
@testable import ExplorerCLI

final class ArgumentParserTests: XCTestCase {
    let options: [OptionSpec] = [
        .flag("--json", help: "print JSON"),
        .value("--top", "K", help: "show K labels"),
        .value("--label", "TEXT", repeatable: true, help: "a label"),
    ]

    func testFlagsValuesAndPositionals() throws {
        let parsed = try parseArguments(["a", "--json", "--top", "3", "b", "--label=x", "--label", "y"], options: options)
        XCTAssertEqual(parsed.positionals, ["a", "b"])
        XCTAssertTrue(parsed.has("--json"))
        XCTAssertEqual(parsed.value("--top"), "3")
        XCTAssertEqual(parsed.all("--label"), ["x", "y"])
    }

    func testDoubleDashEndsOptions() throws {
        let parsed = try parseArguments(["--", "--json", "-"], options: options)
        XCTAssertEqual(parsed.positionals, ["--json", "-"])
        XCTAssertFalse(parsed.has("--json"))
    }

    func testDashTextSuggestsDoubleDash() {
        XCTAssertThrowsError(try parseArguments(["-a cat"], options: options)) { error in
            XCTAssertEqual(error as? UsageError,
                           UsageError("unknown option '-a cat'; put -- before an argument that starts with '-'"))
        }
        XCTAssertEqual(try parseArguments(["--", "-a cat"], options: options).positionals, ["-a cat"])
    }

    func testUnknownOptionRejected() {
        XCTAssertThrowsError(try parseArguments(["--bogus"], options: options)) { error in
            XCTAssertEqual(error as? UsageError, UsageError("unknown option '--bogus'"))
        }
    }

    func testMissingValueRejected() {
        XCTAssertThrowsError(try parseArguments(["--top"], options: options)) { error in
            XCTAssertEqual(error as? UsageError, UsageError("option --top needs a value"))
        }
    }

    func testRepeatedSingleOptionRejected() {
        XCTAssertThrowsError(try parseArguments(["--top", "1", "--top", "2"], options: options))
    }

    func testFlagWithValueRejected() {
        XCTAssertThrowsError(try parseArguments(["--json=yes"], options: options))
    }

    func testIntegerRangeChecked() throws {
        let parsed = try parseArguments(["--top", "99999999999999999999"], options: options)
        XCTAssertThrowsError(try parsed.int("--top", default: 5, in: 1...1000))
        let good = try parseArguments(["--top", "7"], options: options)
        XCTAssertEqual(try good.int("--top", default: 5, in: 1...1000), 7)
        XCTAssertEqual(try ParsedArguments().int("--top", default: 5, in: 1...1000), 5)
    }

    func testNegativeNumberIsPositional() throws {
        let parsed = try parseArguments(["-5"], options: options)
        XCTAssertEqual(parsed.positionals, ["-5"])
    }

    func testHelpFlag() throws {
        XCTAssertTrue(try parseArguments(["-h"], options: options).helpRequested)
    }

    func testUnknownCommandExitsTwo() {
        var errors = ""
        var output = CommandOutput(standardOutput: { _ in }, standardError: { errors += $0 })
        XCTAssertEqual(Program.run(["frobnicate"], output: &output), 2)
        XCTAssertTrue(errors.contains("unknown command 'frobnicate'"))
    }
}
