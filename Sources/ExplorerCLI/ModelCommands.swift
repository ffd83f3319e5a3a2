// The subcommands built on the model layer.
extension Program {
    static var modelCommands: [Command] { [embedCommand, classifyCommand, benchEncoderCommand] }
}
