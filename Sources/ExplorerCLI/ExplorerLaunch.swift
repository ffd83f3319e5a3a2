import CLIPTokenizer
import ExplorerUI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Program {
    /// Runs the headless frame benchmark instead of the explorer (tools/bench/bench_ui.py).
    static let explorerBenchmarkFlag = "--bench-ui"

    static let explorerOptions: [OptionSpec] = [
        .value("--model", "PATH", help: "model folder or checkpoint file (default: the bundled demo model)"),
        .value("--theme", "NAME", help: "theme name from Themes/ or ~/.config/clip-explorer/themes/, or a .theme path"),
        .value("--log", "FILE", help: "append diagnostics to FILE; the explorer never prints to its terminal"),
        .value(explorerBenchmarkFlag, "PROMPT", help: "time keystroke-to-frame for PROMPT without a terminal"),
        .value("--frames", "N", help: "frames to time with --bench-ui (default 200)"),
    ]

    static let explorerHelp = """
        Starts the full-screen explorer: type a prompt and watch its tokens, \
        load an image with :image PATH and rank labels against it.

        usage: \(name) [--model PATH] [--theme NAME] [--log FILE]

        options:
          --model PATH   model folder or checkpoint file (default: the bundled demo model)
          --theme NAME   theme from Themes/ or $XDG_CONFIG_HOME/clip-explorer/themes/, or a .theme path
          --log FILE     append diagnostics to FILE; the explorer never prints to its terminal
          -h, --help     show this help

        Inside, press F1 for keys and commands. When standard input is not a
        terminal, the line-mode REPL runs instead.

        """

    /// Parses the explorer's options and runs it on the terminal.
    static func runExplorer(_ arguments: [String], output: inout CommandOutput) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try parseArguments(arguments, options: explorerOptions)
            if let extra = parsed.positionals.first {
                throw UsageError("unexpected argument '\(extra)'; the explorer takes only options")
            }
        } catch let error as UsageError {
            output.err("\(name): \(error.message)\nRun '\(name) --help' for usage.\n")
            return 2
        } catch {
            output.err("\(name): \(describe(error))\n")
            return 1
        }
        if parsed.helpRequested {
            output.out(explorerHelp)
            return 0
        }

        let log = ExplorerLog(path: parsed.value("--log"))
        if let path = parsed.value("--log"), !log.isOpen {
            output.err("\(name): cannot open log file \(path); check that its folder exists and is writable\n")
            return 1
        }

        do {
            let tokenizer = CLIPTokenizerService(try CLIPTokenizer.bundled())
            let options = ExplorerOptions(modelPath: parsed.value("--model"), themeName: parsed.value("--theme"))
            if let prompt = parsed.value(explorerBenchmarkFlag) {
                let frames = try parsed.int("--frames", default: 200, in: 1...100_000)
                output.out(benchmarkFrames(prompt: prompt, frames: frames, tokenizer: tokenizer))
                return 0
            }
            let session = ExplorerSession(tokenizer: tokenizer, loader: explorerModelLoader(), options: options, log: log)
            log.write("explorer: started")
            let status = try TerminalApp(session: session, log: log).run()
            log.write("explorer: stopped with status \(status)")
            return status
        } catch let error as UsageError {
            output.err("\(name): \(error.message)\n")
            return 2
        } catch {
            log.write("explorer: \(describe(error))")
            output.err("\(name): \(describe(error))\n")
            return 1
        }
    }

    /// Enters `prompt`, then alternately deletes and retypes its last
    /// character, timing each key through tokenization and a 120x40 frame.
    /// Returns the timings as one JSON line. The first frame is not timed,
    /// because it builds the tokenizer's lazy tables.
    static func benchmarkFrames(prompt: String, frames: Int, tokenizer: TokenizerService) -> String {
        let session = ExplorerSession(tokenizer: tokenizer, loader: nil, options: ExplorerOptions(historyURL: nil),
                                      themes: ThemeCatalog(folders: []))
        _ = session.handle(.paste(prompt))
        _ = session.render(width: 120, height: 40, colorEnabled: true)
        let tokenCount = session.state.tokenization?.tokenCount ?? 0
        let last = prompt.last ?? "a"

        var times: [Double] = []
        times.reserveCapacity(frames)
        // Time spent in the session (tokenizing) for backspaces and retyped characters.
        var keyTimes: [[Double]] = [[0], [0]]
        for frame in 0..<frames {
            let key: Key = frame % 2 == 0 ? .backspace : .character(last)
            let start = DispatchTime.now().uptimeNanoseconds
            _ = session.handle(key)
            let handled = DispatchTime.now().uptimeNanoseconds
            let grid = session.render(width: 120, height: 40, colorEnabled: true)
            let end = DispatchTime.now().uptimeNanoseconds
            if grid.width == 0 { break }
            times.append(Double(end - start) / 1_000_000)
            keyTimes[frame % 2].append(Double(handled - start) / 1_000_000)
        }
        let keyMedians = keyTimes.map { $0.sorted()[$0.count / 2] }
        let sorted = times.sorted()
        let mean = times.reduce(0, +) / Double(max(1, times.count))
        let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        let p95 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 95 / 100)]
        let maxTime = sorted.last ?? 0
        return "{\"frames\": \(times.count), \"tokens\": \(tokenCount), \"mean_ms\": \(mean), \"median_ms\": \(median), \"p95_ms\": \(p95), \"max_ms\": \(maxTime), \"backspace_session_ms\": \(keyMedians[0]), \"retype_session_ms\": \(keyMedians[1])}\n"
    }
}
