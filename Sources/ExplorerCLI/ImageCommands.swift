// The subcommands built on the image layer.
extension Program {
    static var imageCommands: [Command] { [preprocessCommand] }
}
