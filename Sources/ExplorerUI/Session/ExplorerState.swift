/// The part of the screen that receives keys.
public enum Focus: Equatable, Sendable {
    case prompt
    /// Tab moves focus to the token chips; Left and Right pick one for the inspector.
    case chips
    /// The `:` command line.
    case command
}

/// The message line's content. It stays until the next key press.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// The model shown in the title bar.
public struct ModelSummary: Equatable, Sendable {
    public var name: String
    public var vocabularySize: Int
    public var contextLength: Int
    /// Shown after the name, such as a warning that the model is the demo.
    public var note: String?

    public init(name: String, vocabularySize: Int, contextLength: Int, note: String? = nil) {
        self.name = name
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
        self.note = note
    }
}

public enum ModelStatus: Equatable, Sendable {
    case none
    case loading(path: String)
    case ready(ModelSummary)
    case failed(path: String, reason: String)
}

/// One row of `:vocab` or `:id` output.
public struct VocabRow: Equatable, Sendable {
    public var id: Int32
    public var token: String

    public init(id: Int32, token: String) {
        self.id = id
        self.token = token
    }
}

/// One merge BPE applied while building a word.
public struct MergeStepRow: Equatable, Sendable {
    /// The merge rank: its line in the merges file, lower merges first.
    public var rank: Int
    public var left: String
    public var right: String
    /// The word's pieces after this merge.
    public var pieces: [String]

    public init(rank: Int, left: String, right: String, pieces: [String]) {
        self.rank = rank
        self.left = left
        self.right = right
        self.pieces = pieces
    }
}

/// The inspector's detail for the selected token.
public struct InspectorDetail: Equatable, Sendable {
    /// The word the token belongs to, as BPE saw it before any merge.
    public var initialPieces: [String]
    public var merges: [MergeStepRow]

    public init(initialPieces: [String], merges: [MergeStepRow]) {
        self.initialPieces = initialPieces
        self.merges = merges
    }
}

/// Everything the screen shows. The renderer reads only this, so a test or
/// the benchmark can draw any state without a terminal.
public struct ExplorerState: Sendable {
    public var editor = LineEditor()
    public var tokenization: Tokenization?
    public var focus = Focus.prompt
    /// Index into the chips: 0 is the start token, then the pieces.
    public var selectedChip = 0
    public var inspector: InspectorDetail?
    public var command = LineEditor()
    public var visibleWhitespace = false
    public var padID: Int32 = 0
    public var contextLength = 77
    public var message: StatusMessage?
    public var vocabTitle: String?
    public var vocabRows: [VocabRow] = []
    public var showHelp = false
    public var model = ModelStatus.none
    public var themeName = "default"
    public var image: ImagePaneState?
    public var labels: [String] = []
    public var templates: [String] = ["a photo of a {}."]
    /// Advances while any background work runs; nil when idle.
    public var spinnerFrame: Int?

    public init() {}
}
