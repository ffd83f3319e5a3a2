// The subcommands built on the hub layer.
extension Program {
    static var hubCommands: [Command] { [] }
}
