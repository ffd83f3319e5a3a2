import Foundation

/// Results from the background queue, waiting for the main thread.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [(ExplorerSession) -> Void] = []

    func post(_ work: @escaping (ExplorerSession) -> Void) {
        lock.lock()
        pending.append(work)
        lock.unlock()
    }

    func drain() -> [(ExplorerSession) -> Void] {
        lock.lock()
        defer { lock.unlock() }
        let work = pending
        pending.removeAll()
        return work
    }
}

/// Lets a non-Sendable value cross to the background queue. Each use passes
/// values that only the background closure reads.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
}

extension ExplorerSession {
    /// Applies finished background work and starts the debounced prompt
    /// score. Returns whether the screen changed. The terminal loop calls
    /// this between key reads.
    public func poll(now: Date = Date()) -> Bool {
        let work = inbox.drain()
        for apply in work { apply(self) }
        var changed = !work.isEmpty

        if let deadline = promptScoreDeadline, now >= deadline {
            promptScoreDeadline = nil
            scorePrompt()
        }
        if runningJobs > 0 || isModelLoading {
            state.spinnerFrame = (state.spinnerFrame ?? 0) + 1
            changed = true
        } else if state.spinnerFrame != nil {
            state.spinnerFrame = nil
            changed = true
        }
        return changed
    }

    /// Blocks until background work is done, for tests and the benchmark.
    public func waitForBackgroundWork(timeout: TimeInterval) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            queue.sync {}
            _ = poll()
            if runningJobs == 0 && !isModelLoading && promptScoreDeadline == nil { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    var isModelLoading: Bool {
        if case .loading = state.model { return true }
        return false
    }

    /// Runs `work` on the model queue and hands its result to `finish` on the main thread.
    func runInBackground<Result>(_ work: @escaping () throws -> Result,
                                 finish: @escaping (ExplorerSession, Swift.Result<Result, Error>) -> Void) {
        runningJobs += 1
        let box = Unchecked(value: (work, finish))
        let inbox = self.inbox
        queue.async {
            let outcome = Swift.Result { try box.value.0() }
            let result = Unchecked(value: outcome)
            inbox.post { session in
                session.runningJobs -= 1
                box.value.1(session, result.value)
            }
        }
    }

    // MARK: - Model

    /// Loads a model in the background. Until it is ready the bundled
    /// tokenizer serves the prompt; a failed switch keeps the current model.
    func startModelLoad(path: String?, loader: ModelLoader) {
        let previous = state.model
        state.model = .loading(path: path ?? "default")
        log.write("model: loading \(path ?? "default model")")
        let started = Date()
        runInBackground({ try loader.load(path: path) }) { session, result in
            switch result {
            case .success(let model):
                session.model = model
                session.tokenizer = model.tokenizer
                session.state.model = .ready(model.summary)
                if let note = model.summary.note { session.state.message = StatusMessage("model \(model.summary.name): \(note)") }
                session.state.contextLength = model.summary.contextLength
                session.log.write("model: loaded \(model.summary.name) in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
                session.retokenize()
                session.imageEmbedding = nil
                if let imagePath = session.state.image?.info.path {
                    session.loadImage(path: imagePath)
                }
            case .failure(let error):
                let reason = describe(error)
                session.log.write("model: \(reason)")
                if session.model != nil, case .ready = previous {
                    session.state.model = previous
                    session.state.message = StatusMessage("model not switched: \(reason)", isError: true)
                } else {
                    session.state.model = .failed(path: path ?? "default", reason: reason)
                    session.state.message = StatusMessage("model failed to load: \(reason)", isError: true)
                }
            }
        }
    }

    // MARK: - Image

    func loadImage(path: String) {
        guard let model else {
            state.message = StatusMessage(describe(ExplorerError.noModel(reason: modelStateReason())), isError: true)
            return
        }
        rankingGeneration += 1
        let generation = rankingGeneration
        state.image?.isEncoding = true
        let started = Date()
        runInBackground({ try model.encodeImage(path: path) }) { session, result in
            guard generation == session.rankingGeneration else { return }
            switch result {
            case .success(let encoded):
                session.log.write("image: encoded \(path) in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
                if session.state.message?.text.hasPrefix("encoding ") == true { session.state.message = nil }
                var pane = ImagePaneState(info: encoded.info, crop: encoded.crop, whole: encoded.whole)
                pane.showWholeImage = session.state.image?.showWholeImage ?? false
                session.state.image = pane
                session.imageEmbedding = encoded.embedding
                session.rankLabels()
                session.scorePrompt()
            case .failure(let error):
                session.state.image?.isEncoding = false
                session.state.message = StatusMessage(describe(error), isError: true)
                session.log.write("image: \(describe(error))")
            }
        }
    }

    func modelStateReason() -> String {
        switch state.model {
        case .loading: return "still loading"
        case .failed(_, let reason): return reason
        default: return "none given"
        }
    }

    /// Ranks the labels against the image in the background.
    func rankLabels() {
        guard let model, let embedding = imageEmbedding else { return }
        guard !state.labels.isEmpty else {
            state.image?.ranking = []
            return
        }
        rankingGeneration += 1
        let generation = rankingGeneration
        let labels = state.labels
        let templates = state.templates
        state.image?.isEncoding = true
        runInBackground({ try model.rank(imageEmbedding: embedding, labels: labels, templates: templates) }) { session, result in
            guard generation == session.rankingGeneration else { return }
            session.state.image?.isEncoding = false
            switch result {
            case .success(let ranking):
                session.state.image?.ranking = ranking
            case .failure(let error):
                session.state.message = StatusMessage(describe(error), isError: true)
                session.log.write("ranking: \(describe(error))")
            }
        }
    }

    /// Scores the typed prompt against the image in the background.
    func scorePrompt() {
        guard let model, let embedding = imageEmbedding else { return }
        let prompt = state.editor.text
        guard !prompt.trimmingCharacters(in: .whitespaces).isEmpty else {
            state.image?.promptCosine = nil
            state.image?.scoredPrompt = nil
            return
        }
        runInBackground({ try model.cosine(prompt: prompt, imageEmbedding: embedding) }) { session, result in
            switch result {
            case .success(let cosine):
                session.state.image?.promptCosine = cosine
                session.state.image?.scoredPrompt = prompt
            case .failure(let error):
                session.log.write("prompt score: \(describe(error))")
            }
        }
    }
}
