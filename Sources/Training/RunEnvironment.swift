import CHDF5
import COpenBLAS
import Foundation

/// What built and ran a training run, recorded in `config.json`: the tool version, the git
/// revision of the checkout the binary lies in (if any) and the numeric libraries' versions.
public struct RunEnvironment: Codable, Equatable, Sendable {
    /// The amss version.
    public var toolVersion: String
    /// The `HEAD` commit of the git checkout holding the executable, or nil.
    public var gitRevision: String?
    /// Library name → version.
    public var libraries: [String: String]

    enum CodingKeys: String, CodingKey {
        case libraries
        case toolVersion = "tool_version"
        case gitRevision = "git_revision"
    }

    /// Makes an environment record.
    public init(toolVersion: String, gitRevision: String?, libraries: [String: String]) {
        self.toolVersion = toolVersion
        self.gitRevision = gitRevision
        self.libraries = libraries
    }

    /// Encodes every key, an unknown git revision as `null`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(toolVersion, forKey: .toolVersion)
        try container.encode(gitRevision, forKey: .gitRevision)
        try container.encode(libraries, forKey: .libraries)
    }

    /// The libraries this target links: HDF5 (H5get_libversion) and OpenBLAS
    /// (openblas_get_config, whose first words name the version).
    public static var trainingLibraries: [String: String] {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        var values: [String: String] = [:]
        if H5get_libversion(&major, &minor, &release) >= 0 {
            values["hdf5"] = "\(major).\(minor).\(release)"
        }
        if let config = openblas_get_config() {
            values["openblas"] = String(cString: config)
        }
        return values
    }

    /// The `HEAD` commit of the git checkout that holds `path` (searched upwards from its
    /// folder, reading `.git/HEAD` and the ref it names, loose or packed), or nil.
    public static func gitRevision(near path: String) -> String? {
        var folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while true {
            if let revision = revision(inCheckout: folder) { return revision }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// The revision of the checkout rooted at `folder`, following a worktree's `gitdir:`.
    private static func revision(inCheckout folder: URL) -> String? {
        let dotGit = folder.appendingPathComponent(".git")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isFolder) else {
            return nil
        }
        var gitFolder = dotGit
        if !isFolder.boolValue {
            guard let text = try? String(contentsOf: dotGit, encoding: .utf8),
                  text.hasPrefix("gitdir:") else { return nil }
            let target = text.dropFirst("gitdir:".count)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            gitFolder = URL(fileURLWithPath: target, relativeTo: folder).standardizedFileURL
        }
        guard let head = try? String(contentsOf: gitFolder.appendingPathComponent("HEAD"),
                                     encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard head.hasPrefix("ref: ") else { return isHash(head) ? head : nil }
        let ref = String(head.dropFirst(5))
        return resolve(ref, in: gitFolder)
    }

    /// A ref's commit from its loose file or `packed-refs`, looking in a worktree's common
    /// folder too.
    private static func resolve(_ ref: String, in gitFolder: URL) -> String? {
        var folders = [gitFolder]
        if let common = try? String(contentsOf: gitFolder.appendingPathComponent("commondir"),
                                    encoding: .utf8) {
            let path = common.trimmingCharacters(in: .whitespacesAndNewlines)
            folders.append(URL(fileURLWithPath: path, relativeTo: gitFolder).standardizedFileURL)
        }
        for folder in folders {
            if let loose = try? String(contentsOf: folder.appendingPathComponent(ref),
                                       encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), isHash(loose) {
                return loose
            }
            if let packed = try? String(contentsOf: folder.appendingPathComponent("packed-refs"),
                                        encoding: .utf8) {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                    let hash = String(line.prefix { $0 != " " })
                    if isHash(hash) { return hash }
                }
            }
        }
        return nil
    }

    private static func isHash(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy(\.isHexDigit)
    }
}
