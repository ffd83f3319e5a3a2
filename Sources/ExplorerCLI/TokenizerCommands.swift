// The subcommands built on the tokenizer layer.
extension Program {
    static var tokenizerCommands: [Command] { [tokenizeCommand, decodeCommand, vocabCommand] }
}
