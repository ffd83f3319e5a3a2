import CLIPHub
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Program {
    static var downloadCommand: Command {
        Command(
            name: "download",
            summary: "download a CLIP model from the Hugging Face Hub into the shared cache",
            usage: ["download REPO_ID [--revision R]"],
            options: [
                .value("--revision", "R", help: "branch, tag or commit hash to download (default: main)"),
            ],
            details: """
            Fetches only what a CLIP model needs: config.json, the weights
            (model.safetensors, sharded safetensors, else pytorch_model.bin or the
            open_clip files), preprocessor and tokenizer files, and the
            sentence-transformers module folder. Files go into the huggingface_hub
            cache ($HF_HOME/hub/models--ORG--NAME), shared with Python tools, and
            the snapshot folder is printed on standard output. An interrupted
            download resumes where it stopped; every file is checked against the
            Hub's SHA-256 or git SHA-1 before it is used.

            Known-good models:
            \(knownGoodModelIDs.map { "  " + $0 }.joined(separator: "\n"))

            Environment:
              HF_HOME          cache root (default ~/.cache/huggingface); HF_HUB_CACHE overrides the hub folder
              HF_ENDPOINT      Hub address (default https://huggingface.co); an empty or invalid value is an error
              HF_TOKEN         access token for gated or private models (else $HF_HOME/token)
              HF_HUB_OFFLINE   1 to use only the cache and make no request

            Timeouts: 10 s for metadata requests, 60 s without data during a file
            download; timeouts, dropped connections, HTTP 429 and 5xx are retried
            4 times, after 1, 2, 4 and 8 s.

            Example:
              \(name) download openai/clip-vit-base-patch32
              \(name) models
            """,
            run: { arguments, output in
                guard arguments.positionals.count == 1, let id = arguments.positionals.first else {
                    throw UsageError(arguments.positionals.isEmpty
                        ? "missing REPO_ID, such as openai/clip-vit-base-patch32"
                        : "expected one REPO_ID, got \(arguments.positionals.count) arguments")
                }
                guard RepoID.looksLikeRepoID(id) else {
                    throw UsageError("invalid repository id '\(id)': expected ORG/NAME, such as openai/clip-vit-base-patch32")
                }
                let revision = arguments.value("--revision") ?? "main"

                let settings = try HubSettings.fromEnvironment()
                let writeError = output.standardError
                let downloader = HubDownloader(
                    settings: settings,
                    log: { writeError("\(name) download: \($0)\n") },
                    progressOutput: isatty(2) == 1 ? writeError : nil)
                let result = try downloader.download(repoID: id, revision: revision)

                let fetchedCount = result.files.filter { !$0.wasCached }.count
                let total = result.files.reduce(Int64(0)) { $0 + $1.size }
                output.err("\(name) download: \(result.repoID) at \(result.commit): \(result.files.count) files, "
                    + "\(ByteCountText.format(total)); \(fetchedCount) fetched, \(result.files.count - fetchedCount) already cached\n")
                output.out(result.snapshotPath + "\n")
                return 0
            })
    }
}
