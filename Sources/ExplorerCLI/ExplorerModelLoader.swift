import ExplorerUI

extension Program {
    /// Returns the loader the explorer uses for `--model` and `:model`.
    static func explorerModelLoader() -> ModelLoader? {
        CLIPModelLoader(resolvePath: { try resolveModelPath($0) })
    }
}
