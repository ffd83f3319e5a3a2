import Foundation

/// The terminal loop's next step after a key.
public enum SessionAction: Equatable {
    case none
    case quit
    case suspend
    /// Repaint the whole screen (Ctrl-L).
    case redraw
}

/// Options the explorer starts with, from the command line.
public struct ExplorerOptions: Sendable {
    /// The model folder or file, or nil for the default model.
    public var modelPath: String?
    public var themeName: String?
    public var historyURL: URL?

    public init(modelPath: String? = nil, themeName: String? = nil, historyURL: URL? = PromptHistory.defaultURL()) {
        self.modelPath = modelPath
        self.themeName = themeName
        self.historyURL = historyURL
    }
}

/// The explorer without the terminal: keys in, state out. Callers use it from
/// one thread, the UI loop. Model work runs on a background queue and comes
/// back through `poll()`, so typing never waits for the model.
public final class ExplorerSession {
    public internal(set) var state = ExplorerState()
    public var tokenizer: TokenizerService
    public var theme: Theme
    let themes: ThemeCatalog
    var history: PromptHistory
    let historyURL: URL?
    let loader: ModelLoader?
    var model: ModelService?
    var commandHistory = PromptHistory(maxEntries: 100)
    let log: ExplorerLog

    // Background work
    let queue = DispatchQueue(label: "clip-explorer.model", qos: .userInitiated)
    let inbox = Inbox()
    var runningJobs = 0
    /// Bumped on each image or label change, so stale results are dropped.
    var rankingGeneration = 0
    var imageEmbedding: [Float]?
    var promptScoreDeadline: Date?
    /// How long the prompt must stay unchanged before it is scored against the image.
    let promptScoreDelay: TimeInterval = 0.25

    public init(tokenizer: TokenizerService, loader: ModelLoader?, options: ExplorerOptions,
                themes: ThemeCatalog = .standard(), log: ExplorerLog = ExplorerLog(path: nil)) {
        self.tokenizer = tokenizer
        self.loader = loader
        self.themes = themes
        self.log = log
        self.historyURL = options.historyURL
        self.theme = .builtInDefault
        self.history = PromptHistory()

        if let url = options.historyURL {
            do {
                history = try PromptHistory.load(from: url)
            } catch {
                state.message = StatusMessage(describe(error), isError: true)
                log.write("history: \(describe(error))")
            }
        }
        if let name = options.themeName {
            applyTheme(named: name)
        }
        retokenize()
        if let loader {
            startModelLoad(path: options.modelPath, loader: loader)
        }
    }

    // MARK: - Keys

    /// Applies one key and returns what the terminal loop must do.
    public func handle(_ key: Key) -> SessionAction {
        if key == .resize { return .none }
        // A message stays visible until the next key press.
        state.message = nil

        switch key {
        case .control("c"), .control("d"): return .quit
        case .control("z"): return .suspend
        case .control("l"): return .redraw
        case .function(1):
            state.showHelp.toggle()
            return .none
        default: break
        }
        if state.showHelp {
            state.showHelp = false
            return .none
        }
        switch key {
        case .function(2): toggleWhitespace(); return .none
        case .function(3): setPadID(state.padID == 0 ? 49407 : 0); return .none
        case .function(4): toggleWholeImage(); return .none
        default: break
        }

        switch state.focus {
        case .prompt: return handlePromptKey(key)
        case .chips: return handleChipKey(key)
        case .command: return handleCommandKey(key)
        }
    }

    private func handlePromptKey(_ key: Key) -> SessionAction {
        let isEmpty = state.editor.characters.isEmpty
        switch key {
        case .character(":") where isEmpty:
            openCommandLine()
        case .character("?") where isEmpty:
            state.showHelp = true
        case .tab:
            focusChips()
        case .up:
            if let entry = history.previous(current: state.editor.text) { setPrompt(entry) }
        case .down:
            if let entry = history.next() { setPrompt(entry) }
        case .enter:
            history.add(state.editor.text)
            saveHistory()
        case .escape:
            // Esc closes a vocabulary listing, else moves to the chips, where `:` opens the command line.
            if state.vocabTitle != nil {
                state.vocabTitle = nil
            } else {
                focusChips()
            }
        default:
            let before = state.editor.text
            if state.editor.handle(key), state.editor.text != before {
                retokenize()
            }
        }
        return .none
    }

    private func handleChipKey(_ key: Key) -> SessionAction {
        let count = chipCount()
        switch key {
        case .left:
            if state.selectedChip > 0 { state.selectedChip -= 1 }
            updateInspector()
        case .right:
            if state.selectedChip + 1 < count { state.selectedChip += 1 }
            updateInspector()
        case .home:
            state.selectedChip = 0
            updateInspector()
        case .end:
            state.selectedChip = max(0, count - 1)
            updateInspector()
        case .tab, .escape, .enter:
            state.focus = .prompt
            state.inspector = nil
        case .character(":"):
            openCommandLine()
        case .character("?"):
            state.showHelp = true
        case .character, .paste, .backspace, .delete, .up, .down,
             .control("a"), .control("e"), .control("w"), .control("u"), .control("k"):
            state.focus = .prompt
            state.inspector = nil
            return handlePromptKey(key)
        default:
            break
        }
        return .none
    }

    private func handleCommandKey(_ key: Key) -> SessionAction {
        switch key {
        case .escape:
            state.focus = .prompt
        case .enter:
            let line = state.command.text
            state.focus = .prompt
            commandHistory.add(line)
            return runCommand(line)
        case .tab:
            completeCommandLine()
        case .up:
            if let entry = commandHistory.previous(current: state.command.text) { state.command.setText(entry) }
        case .down:
            if let entry = commandHistory.next() { state.command.setText(entry) }
        case .backspace where state.command.characters.isEmpty:
            state.focus = .prompt
        default:
            _ = state.command.handle(key)
        }
        return .none
    }

    // MARK: - Prompt and tokens

    func setPrompt(_ text: String) {
        state.editor.setText(text)
        retokenize()
    }

    /// Tokenizes the prompt again; called on every edit.
    func retokenize() {
        let text = state.editor.text
        state.tokenization = text.isEmpty ? nil : tokenizer.tokenize(text, contextLength: state.contextLength, padID: state.padID)
        if state.focus == .chips {
            state.selectedChip = min(state.selectedChip, max(0, chipCount() - 1))
            updateInspector()
        }
        if imageEmbedding != nil {
            promptScoreDeadline = Date().addingTimeInterval(promptScoreDelay)
        }
    }

    func chipCount() -> Int {
        guard let tokenization = state.tokenization else { return 0 }
        return tokenization.pieces.count + 2
    }

    private func focusChips() {
        guard chipCount() > 0 else {
            state.message = StatusMessage("type a prompt first; Tab inspects its tokens")
            return
        }
        state.focus = .chips
        state.vocabTitle = nil
        state.selectedChip = min(max(1, state.selectedChip), chipCount() - 1)
        updateInspector()
    }

    func updateInspector() {
        guard let tokenization = state.tokenization else {
            state.inspector = nil
            return
        }
        let chips = makeChips(tokenization, visibleWhitespace: state.visibleWhitespace)
        guard state.selectedChip < chips.count, let pieceIndex = chips[state.selectedChip].pieceIndex else {
            state.inspector = nil
            return
        }
        state.inspector = tokenizer.inspect(piece: pieceIndex, of: tokenization)
    }

    func toggleWhitespace() {
        state.visibleWhitespace.toggle()
        state.message = StatusMessage(state.visibleWhitespace ? "whitespace and word ends shown as ·" : "whitespace marks hidden")
    }

    func setPadID(_ padID: Int32) {
        state.padID = padID
        retokenize()
        state.message = StatusMessage("pad id \(padID)" + (padID == 0 ? " (OpenAI and open_clip)" : " (Hugging Face)"))
    }

    func toggleWholeImage() {
        guard state.image != nil else {
            state.message = StatusMessage("no image loaded; use :image PATH")
            return
        }
        state.image?.showWholeImage.toggle()
    }

    private func openCommandLine() {
        state.focus = .command
        state.command = LineEditor()
    }

    func saveHistory() {
        guard let historyURL else { return }
        do {
            try history.save(to: historyURL)
        } catch {
            state.message = StatusMessage(describe(error), isError: true)
            log.write("history: \(describe(error))")
        }
    }

    // MARK: - Theme

    /// Switches to the theme `name`. Invalid lines keep the theme with
    /// default colours for their keys; an unusable file keeps the current theme.
    func applyTheme(named name: String) {
        do {
            let (loaded, issues) = try themes.load(name)
            theme = loaded
            state.themeName = loaded.name
            if let issues {
                state.message = StatusMessage(describe(issues), isError: true)
                log.write("theme: \(describe(issues))")
            }
        } catch {
            state.message = StatusMessage(describe(error) + "; keeping theme \(state.themeName)", isError: true)
            log.write("theme: \(describe(error))")
        }
    }

    // MARK: - Frame

    /// Draws the current state at the given size.
    public func render(width: Int, height: Int, colorEnabled: Bool) -> ScreenGrid {
        Renderer(colorEnabled: colorEnabled && !theme.monochrome).render(state, width: width, height: height)
    }
}

/// Returns the one-line message of an error.
func describe(_ error: Error) -> String {
    if let localized = error as? LocalizedError, let message = localized.errorDescription { return message }
    return String(describing: error)
}
