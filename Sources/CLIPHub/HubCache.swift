import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The huggingface_hub cache layout, shared with Python tools:
///
///     <cache>/models--ORG--NAME/
///         blobs/<etag>                  file contents, named by the Hub's ETag (SHA-256 or git SHA-1)
///         blobs/<etag>.incomplete       a download in progress, resumed with an HTTP range request
///         refs/<revision>               the commit hash a branch or tag pointed to when downloaded
///         snapshots/<commit>/<file>     relative symlinks to ../../blobs/<etag>
///     <cache>/.locks/models--ORG--NAME/<etag>.lock
public struct HubCache: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    // MARK: - Paths

    public func repoFolder(_ repo: RepoID) -> String { directory + "/" + repo.cacheFolderName }
    func blobPath(_ repo: RepoID, etag: String) -> String { repoFolder(repo) + "/blobs/" + etag }
    func incompletePath(_ repo: RepoID, etag: String) -> String { blobPath(repo, etag: etag) + ".incomplete" }
    func lockPath(_ repo: RepoID, etag: String) -> String { directory + "/.locks/" + repo.cacheFolderName + "/" + etag + ".lock" }
    public func snapshotFolder(_ repo: RepoID, commit: String) -> String { repoFolder(repo) + "/snapshots/" + commit }

    /// Returns the commit a revision resolves to in the cache: the revision itself
    /// when it is a commit hash with a snapshot, else the hash stored in refs/<revision>.
    public func commit(for repo: RepoID, revision: String) -> String? {
        if isCommitHash(revision), directoryExists(snapshotFolder(repo, commit: revision)) {
            return revision
        }
        guard (try? validateRevision(revision)) != nil,
              let text = try? String(contentsOfFile: repoFolder(repo) + "/refs/" + revision, encoding: .utf8) else {
            return nil
        }
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return isCommitHash(commit) ? commit : nil
    }

    // MARK: - Resolving --model

    /// Returns the snapshot folder of a cached model repository for `--model ORG/NAME`,
    /// reading HF_HOME and HF_HUB_CACHE like huggingface_hub. Throws `HubError.notCached`
    /// with the exact download command when the snapshot is missing or has no weights.
    public static func resolve(repoID: String, revision: String = "main") throws -> String {
        try HubCache(directory: HubSettings.cacheDirectory()).resolve(repoID: repoID, revision: revision)
    }

    public func resolve(repoID: String, revision: String = "main") throws -> String {
        let repo = try RepoID(repoID)
        try validateRevision(revision)
        let command = "clip-explorer download \(repo)" + (revision == "main" ? "" : " --revision \(revision)")
        guard let commit = commit(for: repo, revision: revision) else {
            throw HubError.notCached(repoID: repo.description, command: command)
        }
        let snapshot = snapshotFolder(repo, commit: commit)
        guard CLIPFileSelection.snapshotHasModel(snapshot) else {
            throw HubError.notCached(repoID: repo.description, command: command)
        }
        return snapshot
    }

    /// Returns `argument` when it names an existing file or folder; otherwise,
    /// when it looks like ORG/NAME, the cached snapshot for it (see `resolve`).
    public static func resolveModelArgument(_ argument: String) throws -> String {
        if FileManager.default.fileExists(atPath: argument) {
            return argument
        }
        if !RepoID.looksLikeRepoID(argument) {
            if RepoID.hasIDPrefix(argument) { throw HubError.invalidRepoID(argument) }
            return argument
        }
        return try resolve(repoID: argument)
    }

    // MARK: - Writing

    /// Points snapshots/<commit>/<file> at blobs/<etag> with a relative symlink, as huggingface_hub does.
    func linkSnapshotFile(_ repo: RepoID, commit: String, file: String, etag: String) throws {
        let link = snapshotFolder(repo, commit: commit) + "/" + file
        let depth = file.split(separator: "/").count - 1
        let target = String(repeating: "../", count: depth + 2) + "blobs/" + etag
        try createDirectory((link as NSString).deletingLastPathComponent)
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == target { return }
        unlink(link)
        guard symlink(target, link) == 0 else {
            throw HubError.fileSystem(path: link, reason: "cannot create symlink: \(String(cString: strerror(errno)))")
        }
    }

    /// Records that `revision` (a branch or tag) pointed at `commit`.
    func writeRef(_ repo: RepoID, revision: String, commit: String) throws {
        guard revision != commit else { return }
        let path = repoFolder(repo) + "/refs/" + revision
        try createDirectory((path as NSString).deletingLastPathComponent)
        do {
            try Data(commit.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw HubError.fileSystem(path: path, reason: error.localizedDescription)
        }
    }

    /// Creates `path` and its missing parents. A failure names the folder that
    /// could not be made and the system's reason, such as "Permission denied".
    func createDirectory(_ path: String) throws {
        if directoryExists(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path {
            try createDirectory(parent)
        }
        if mkdir(path, 0o777) != 0, errno != EEXIST {
            throw HubError.fileSystem(path: path, reason: "cannot create folder: \(String(cString: strerror(errno))); "
                + "set HF_HOME or HF_HUB_CACHE to a writable folder")
        }
        guard directoryExists(path) else {
            throw HubError.fileSystem(path: path, reason: "cannot create folder: \(String(cString: strerror(ENOTDIR))); "
                + "set HF_HOME or HF_HUB_CACHE to a writable folder")
        }
    }

    func directoryExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
