import CLIPHub

// The subcommands built on the hub layer.
extension Program {
    static var hubCommands: [Command] { [downloadCommand, modelsCommand] }

    /// Model repositories known to download and load, listed in help and the README.
    static let knownGoodModelIDs = [
        "openai/clip-vit-base-patch32", "openai/clip-vit-base-patch16", "openai/clip-vit-large-patch14",
        "openai/clip-vit-large-patch14-336", "sentence-transformers/clip-ViT-L-14", "laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
    ]

    /// Turns a `--model` value into a path: an existing file or folder is used as
    /// given, and an ORG/NAME id is looked up in the Hugging Face cache (its error
    /// gives the `download` command when the model is not cached).
    public static func resolveModelPath(_ argument: String) throws -> String {
        try HubCache.resolveModelArgument(argument)
    }
}
