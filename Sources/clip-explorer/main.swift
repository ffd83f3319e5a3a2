import ExplorerCLI

#if canImport(Glibc)
import Glibc
#endif

var output = CommandOutput.process
exit(Program.run(Array(CommandLine.arguments.dropFirst()), output: &output))
