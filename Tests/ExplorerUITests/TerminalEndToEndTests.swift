import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `clip-explorer` in a private tmux server, types into it and
/// reads the screen back, as a user at a terminal would.
final class TerminalEndToEndTests: XCTestCase {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var folder: URL!
    var socket: String { folder.appendingPathComponent("tmux.sock").path }
    var tmuxPath: String!

    override func setUpWithError() throws {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let tmux = searchPath.split(separator: ":").map({ "\($0)/tmux" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("tmux is not installed; `make test` installs it (apt-get install tmux)")
        }
        tmuxPath = tmux
        folder = try temporaryFolder()
    }

    override func tearDown() {
        if tmuxPath != nil, folder != nil { _ = try? tmux(["kill-server"]) }
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// Returns the path of the debug binary that `swift build` (and `swift build --build-tests`) makes.
    func binaryPath() throws -> String {
        let candidates = [".build/debug/clip-explorer", ".build/x86_64-unknown-linux-gnu/debug/clip-explorer", ".build/aarch64-unknown-linux-gnu/debug/clip-explorer"]
            .map { repository.appendingPathComponent($0).path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            XCTFail("clip-explorer is not built at \(candidates[0]); run `swift build` first")
            throw XCTSkip("no binary")
        }
        return found
    }

    /// Runs tmux on the test's own socket and returns its standard output.
    /// It uses posix_spawn and waitpid, not Foundation's Process: the client
    /// that starts the server exits while the server keeps its inherited
    /// descriptors, and Process then never reports the client's exit.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let outputPath = folder.appendingPathComponent("tmux-output-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let argv = [tmuxPath!, "-S", socket, "-f", "/dev/null"] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        var pid: pid_t = 0
        let status = posix_spawn(&pid, tmuxPath, &actions, nil, &cArguments, environ)
        guard status == 0 else {
            XCTFail("cannot run \(tmuxPath!): \(String(cString: strerror(status)))")
            return ""
        }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", "explorer"])
    }

    /// Waits up to `timeout` seconds for the screen to satisfy `condition`, and returns the last screen.
    @discardableResult
    func waitForScreen(_ what: String, timeout: TimeInterval = 20, _ condition: (String) -> Bool) throws -> String {
        let end = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < end {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let log = (try? String(contentsOfFile: folder.appendingPathComponent("explorer.log").path, encoding: .utf8)) ?? "(no log)"
        XCTFail("timed out waiting for \(what); the screen was:\n\(last)\nthe explorer's log:\n\(log)")
        return last
    }

    /// Starts the explorer in a new tmux session, then prints its exit status
    /// and the terminal modes, so a test can check the terminal was restored.
    func startExplorer(arguments: String = "", width: Int = 100, height: Int = 30) throws {
        let binary = try binaryPath()
        let home = folder.path
        // `swift test` may set NO_COLOR; the explorer would honour it, so it is removed for a known screen.
        let environment = "-u NO_COLOR -u COLORTERM HOME=\(home) XDG_STATE_HOME=\(home)/state XDG_CONFIG_HOME=\(home)/config LANG=C.UTF-8 LC_ALL=C.UTF-8"
        let command = "cd \(repository.path) && env \(environment) \(binary) --log \(home)/explorer.log \(arguments); echo EXIT:$?; stty -a; sleep 60"
        try tmux(["new-session", "-d", "-s", "explorer", "-x", String(width), "-y", String(height), command])
        try waitForScreen("the title bar") { $0.contains("clip-explorer │") }
    }

    func testTypingBozumanShowsTokens() throws {
        try startExplorer()
        try tmux(["send-keys", "-t", "explorer", "-l", "bozuman"])
        let text = try waitForScreen("bozuman's tokens") { $0.contains("5/77") && $0.contains("4091") }
        XCTAssertTrue(text.contains("> bozuman"), text)
        let idLine = text.split(separator: "\n").first { $0.hasPrefix("49406") }.map(String.init) ?? ""
        XCTAssertEqual(idLine.split(separator: " "), ["49406", "647", "4091", "786", "49407"], text)
        XCTAssertTrue(text.contains("5/77 tokens"), text)
    }

    func testResizeBelowMinimumAndBack() throws {
        try startExplorer()
        try tmux(["send-keys", "-t", "explorer", "-l", "a photo of a cat"])
        try waitForScreen("the prompt's tokens") { $0.contains("7/77") }
        try tmux(["resize-window", "-t", "explorer", "-x", "30", "-y", "10"])
        try waitForScreen("the too-small message") { $0.contains("(30x10)") }
        try tmux(["resize-window", "-t", "explorer", "-x", "100", "-y", "30"])
        let text = try waitForScreen("the full layout again") { $0.contains("7/77 tokens") }
        XCTAssertFalse(text.contains("EXIT:"), "the explorer exited during the resize:\n\(text)")
    }

    func testControlCRestoresTerminal() throws {
        try startExplorer()
        try tmux(["send-keys", "-t", "explorer", "-l", "x"])
        try waitForScreen("the prompt") { $0.contains("> x") }
        try tmux(["send-keys", "-t", "explorer", "C-c"])
        let text = try waitForScreen("the exit status") { $0.contains("EXIT:") }
        XCTAssertTrue(text.contains("EXIT:0"), text)
        // stty prints "-icanon" and "-echo" while raw mode is still on.
        let modes = text.components(separatedBy: .whitespacesAndNewlines)
        XCTAssertTrue(modes.contains("icanon"), "canonical mode was not restored:\n\(text)")
        XCTAssertTrue(modes.contains("echo"), "echo was not restored:\n\(text)")
        XCTAssertFalse(text.contains("clip-explorer │"), "the explorer's screen is still showing:\n\(text)")
    }

    func testCJKInputAndHistoryAcrossRuns() throws {
        try startExplorer()
        try tmux(["send-keys", "-t", "explorer", "-l", "猫の写真"])
        try waitForScreen("the CJK prompt") { $0.contains("> 猫の写真") }
        try tmux(["send-keys", "-t", "explorer", "Enter"])
        try tmux(["send-keys", "-t", "explorer", "C-c"])
        try waitForScreen("the first run to exit") { $0.contains("EXIT:0") }
        let history = try String(contentsOfFile: folder.appendingPathComponent("state/clip-explorer/history").path, encoding: .utf8)
        XCTAssertEqual(history, "猫の写真\n")

        try tmux(["kill-server"])
        try startExplorer()
        try tmux(["send-keys", "-t", "explorer", "Up"])
        try waitForScreen("the prompt from history") { $0.contains("> 猫の写真") }
    }

    func testBracketedPasteIsOneLine() throws {
        try startExplorer()
        // The bytes a terminal sends for a pasted "a cat" newline "on a mat".
        try tmux(["send-keys", "-t", "explorer", "-H", "1b", "5b", "32", "30", "30", "7e"])
        try tmux(["send-keys", "-t", "explorer", "-l", "a cat\non a mat"])
        try tmux(["send-keys", "-t", "explorer", "-H", "1b", "5b", "32", "30", "31", "7e"])
        let text = try waitForScreen("the pasted prompt") { $0.contains("> a cat on a mat") }
        XCTAssertTrue(text.contains("7/77 tokens"), text)
    }

    func testDemoModelRanksExamplePicture() throws {
        let demoConfig = repository.appendingPathComponent("Models/clip-demo-shapes/config.json").path
        // NOTE: the demo model is trained by tools/demo_model/train.py and may not be in this checkout yet.
        guard FileManager.default.fileExists(atPath: demoConfig) else {
            throw XCTSkip("the demo model \(demoConfig) is not in this checkout")
        }
        let examples = repository.appendingPathComponent("Examples")
        let pictures = (try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? []
        guard let picture = pictures.sorted().first(where: { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }) else {
            throw XCTSkip("Examples/ has no pictures in this checkout")
        }
        // File names such as red-circle.png name the true label.
        let stem = picture.split(separator: ".")[0].replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        let words = stem.split(separator: " ").filter { !$0.allSatisfy(\.isNumber) }
        let colours = ["red", "green", "blue", "yellow", "orange", "purple", "white", "black"]
        let shapes = ["circle", "square", "triangle", "star", "cross"]
        guard let colour = words.first(where: { colours.contains(String($0)) }), let shape = words.first(where: { shapes.contains(String($0)) }) else {
            XCTFail("cannot tell the true label from the file name \(picture)")
            return
        }
        let labels = colours.flatMap { c in shapes.map { "\(c) \($0)" } }

        try startExplorer(width: 140, height: 45)
        try waitForScreen("the demo model") { $0.contains("vocab 49408") }
        try tmux(["send-keys", "-t", "explorer", "-l", ":labels " + labels.joined(separator: ", ")])
        try tmux(["send-keys", "-t", "explorer", "Enter"])
        try tmux(["send-keys", "-t", "explorer", "-l", ":image Examples/\(picture)"])
        try tmux(["send-keys", "-t", "explorer", "Enter"])
        let text = try waitForScreen("the ranking", timeout: 60) { $0.contains("  1 ") && $0.contains("%") }
        let first = text.split(separator: "\n").first { $0.contains("  1 ") && $0.contains("%") }.map(String.init) ?? ""
        let log = (try? String(contentsOfFile: folder.appendingPathComponent("explorer.log").path, encoding: .utf8)) ?? "(no log)"
        XCTAssertTrue(first.contains("\(colour) \(shape)"), "expected \(colour) \(shape) first:\n\(text)\nthe explorer's log:\n\(log)")
    }
}
