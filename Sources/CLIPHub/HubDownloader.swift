import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One file of a finished download.
public struct DownloadedFile: Sendable, Equatable {
    public let path: String
    public let size: Int64
    /// True when the blob was already in the cache and nothing was fetched.
    public let wasCached: Bool
}

/// The outcome of `HubDownloader.download`.
public struct DownloadResult: Sendable {
    public let repoID: String
    public let commit: String
    /// The snapshot folder to pass to `--model` or `CLIPModel.load(path:)`.
    public let snapshotPath: String
    public let files: [DownloadedFile]
}

/// Downloads the files a CLIP model needs into the huggingface_hub cache.
///
/// Each file goes to `blobs/<etag>.incomplete`, resumed with a range request
/// when it already exists. It is checked against the ETag (SHA-256 for LFS
/// files, git blob SHA-1 for others) and only then renamed to `blobs/<etag>`
/// and linked from the snapshot. So an interrupted or corrupted download never
/// leaves a file that looks complete.
public struct HubDownloader {
    public let settings: HubSettings
    public let cache: HubCache
    /// Receives one-line notices (files, retries) meant for standard error.
    public var log: (String) -> Void
    /// Receives progress bar redraws; nil when standard error is not a terminal.
    public var progressOutput: ((String) -> Void)?

    public init(settings: HubSettings, log: @escaping (String) -> Void = { _ in }, progressOutput: ((String) -> Void)? = nil) {
        self.settings = settings
        self.cache = HubCache(directory: settings.cacheDirectory)
        self.log = log
        self.progressOutput = progressOutput
    }

    /// Fetches `repoID` at `revision` (a branch, tag or commit) and returns its snapshot.
    /// With HF_HUB_OFFLINE set, it makes no request and succeeds only from the cache.
    public func download(repoID: String, revision: String = "main") throws -> DownloadResult {
        let repo = try RepoID(repoID)
        try validateRevision(revision)
        if settings.isOffline {
            return try cachedResult(repo, revision: revision)
        }

        var client = HubClient(settings: settings)
        client.log = log
        let (commit, siblings) = try client.repositoryInfo(repo, revision: revision)
        let selected = try CLIPFileSelection.select(siblings: siblings, repo: repo)
        log("\(repo) at \(commit): \(selected.count) files to check")

        var files: [DownloadedFile] = []
        for file in selected {
            files.append(try fetch(file, repo: repo, commit: commit, client: client))
        }
        // Sharded weights: the index names the shards, so they come after it.
        for index in selected where index.hasSuffix(".index.json") {
            let shards = try CLIPFileSelection.shards(inIndex: cache.snapshotFolder(repo, commit: commit) + "/" + index, indexFile: index)
            for shard in shards {
                guard siblings.contains(shard) else {
                    throw HubError.fileNotFound(repoID: repo.description, file: shard, revision: commit)
                }
                files.append(try fetch(shard, repo: repo, commit: commit, client: client))
            }
        }

        try cache.writeRef(repo, revision: revision, commit: commit)
        return DownloadResult(repoID: repo.description, commit: commit, snapshotPath: cache.snapshotFolder(repo, commit: commit), files: files)
    }

    // MARK: - One file

    private func fetch(_ file: String, repo: RepoID, commit: String, client: HubClient) throws -> DownloadedFile {
        let remote = try client.fileMetadata(repo, commit: commit, file: file)
        let blob = cache.blobPath(repo, etag: remote.etag)
        try cache.createDirectory(cache.repoFolder(repo) + "/blobs")
        try cache.createDirectory((cache.lockPath(repo, etag: remote.etag) as NSString).deletingLastPathComponent)
        let lock = try BlobLock(path: cache.lockPath(repo, etag: remote.etag))
        defer { withExtendedLifetime(lock) {} }

        if let size = fileSize(blob), remote.size == nil || remote.size == size {
            try cache.linkSnapshotFile(repo, commit: commit, file: file, etag: remote.etag)
            return DownloadedFile(path: file, size: size, wasCached: true)
        }

        let partialPath = cache.incompletePath(repo, etag: remote.etag)
        if let expected = remote.size {
            try checkFreeSpace(needed: expected - min(fileSize(partialPath) ?? 0, expected), path: blob)
        }
        let partial = try PartialFile(path: partialPath)
        if let expected = remote.size, partial.size > expected { try partial.truncate() }
        if partial.size > 0 {
            log("\(file): resuming at \(ByteCountText.format(partial.size))" + (remote.size.map { " of \(ByteCountText.format($0))" } ?? ""))
        } else if progressOutput == nil {
            log("\(file): downloading" + (remote.size.map { " \(ByteCountText.format($0))" } ?? ""))
        }

        let progress = progressOutput.map { DownloadProgress(write: $0) }
        progress?.start(file: file, total: remote.size, alreadyReceived: partial.size)
        do {
            try client.download(remote, repo: repo, commit: commit, file: file, startingAt: { partial.size }, restart: {
                try partial.truncate()
                progress?.reset()
            }, write: { data in
                try partial.append(data)
                progress?.advance(by: data.count)
            })
            progress?.finish()
        } catch {
            progress?.finish()
            throw error
        }

        try verify(partial, remote: remote, file: file)
        try partial.sync()
        guard rename(partialPath, blob) == 0 else {
            throw HubError.fileSystem(path: blob, reason: "rename failed: \(String(cString: strerror(errno)))")
        }
        try cache.linkSnapshotFile(repo, commit: commit, file: file, etag: remote.etag)
        return DownloadedFile(path: file, size: partial.size, wasCached: false)
    }

    /// Checks the size and hash; on a mismatch the partial file is deleted so a
    /// retry starts clean and nothing corrupt is left behind.
    private func verify(_ partial: PartialFile, remote: RemoteFile, file: String) throws {
        if let expected = remote.size, partial.size != expected {
            unlink(partial.path)
            throw HubError.verificationFailed(file: file, algorithm: "size", expected: "\(expected) bytes", found: "\(partial.size) bytes")
        }
        let digest: Digest
        switch remote.etag.count {
        case 64 where remote.etag.allSatisfy(\.isHexDigit):
            digest = Digest(.sha256)
        case 40 where remote.etag.allSatisfy(\.isHexDigit):
            digest = Digest.gitBlob(size: partial.size)
        default:
            // NOTE: an ETag that is neither a SHA-256 nor a git SHA-1 (not seen from the Hub) leaves only the size check.
            log("\(file): ETag '\(remote.etag)' is not a content hash; checked the size only")
            return
        }
        let found = try PartialFile.digest(of: partial.path, using: digest)
        guard found == remote.etag.lowercased() else {
            unlink(partial.path)
            throw HubError.verificationFailed(file: file, algorithm: digest.algorithm.rawValue, expected: remote.etag, found: found)
        }
    }

    private func checkFreeSpace(needed: Int64, path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if let available = PartialFile.availableSpace(at: folder), available < needed {
            throw HubError.diskFull(path: path, needed: needed)
        }
    }

    private func fileSize(_ path: String) -> Int64? {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(status.st_size)
    }

    // MARK: - Offline

    /// Lists the cached snapshot for `revision` without any request.
    private func cachedResult(_ repo: RepoID, revision: String) throws -> DownloadResult {
        guard let commit = cache.commit(for: repo, revision: revision),
              CLIPFileSelection.snapshotHasModel(cache.snapshotFolder(repo, commit: commit)) else {
            throw HubError.offline(repoID: repo.description, revision: revision)
        }
        let snapshot = cache.snapshotFolder(repo, commit: commit)
        var files: [DownloadedFile] = []
        if let enumerator = FileManager.default.enumerator(atPath: snapshot) {
            for case let file as String in enumerator {
                if let size = fileSize(snapshot + "/" + file) {
                    files.append(DownloadedFile(path: file, size: size, wasCached: true))
                }
            }
        }
        log("\(repo): HF_HUB_OFFLINE is set; using the cached snapshot \(commit)")
        return DownloadResult(repoID: repo.description, commit: commit, snapshotPath: snapshot, files: files.sorted { $0.path < $1.path })
    }
}
