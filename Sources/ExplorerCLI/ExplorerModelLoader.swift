import ExplorerUI

extension Program {
    /// Returns the loader the explorer uses for `--model` and `:model`.
    static func explorerModelLoader() -> ModelLoader? {
        // NOTE: nil until the model layer provides loading, tokenizers and
        // zero-shot ranking; the explorer then runs tokenization only.
        nil
    }
}
