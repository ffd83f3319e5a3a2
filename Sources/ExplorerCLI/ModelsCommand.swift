import CLIPHub
import Foundation

extension Program {
    static var modelsCommand: Command {
        Command(
            name: "models",
            summary: "list the CLIP models in the Hugging Face cache",
            usage: ["models [--paths]"],
            options: [
                .flag("--paths", help: "print each snapshot folder after its line"),
            ],
            details: """
            Reads the huggingface_hub cache ($HF_HUB_CACHE, else $HF_HOME/hub,
            else ~/.cache/huggingface/hub) and lists each snapshot that holds a
            CLIP config and weights: the repository id, the branches or tags that
            point at it (else the commit), its size on disk and the architecture
            from config.json (vision width x layers, patch size, image size, text
            width x layers). Pass a listed id to --model.
            """,
            run: { arguments, output in
                guard arguments.positionals.isEmpty else {
                    throw UsageError("unexpected argument '\(arguments.positionals[0])'")
                }
                let cacheDirectory = HubSettings.cacheDirectory()
                let models = HubCache(directory: cacheDirectory).cachedModels()
                guard !models.isEmpty else {
                    output.err("\(name) models: no CLIP models in \(cacheDirectory); download one with: \(name) download \(knownGoodModelIDs[0])\n")
                    return 0
                }

                let rows = models.map { model in
                    [model.repoID, model.refs.isEmpty ? String(model.commit.prefix(12)) : model.refs.joined(separator: ","),
                     ByteCountText.format(model.size), model.architecture]
                }
                let header = ["MODEL", "REVISION", "SIZE", "ARCHITECTURE"]
                let widths = (0..<3).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
                func line(_ cells: [String]) -> String {
                    (0..<3).map { cells[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                        + "  " + cells[3] + "\n"
                }
                output.out(line(header))
                for (row, model) in zip(rows, models) {
                    output.out(line(row))
                    if arguments.has("--paths") { output.out("  " + model.snapshotPath + "\n") }
                }
                return 0
            })
    }
}
