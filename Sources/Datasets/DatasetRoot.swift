import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A dataset folder that paths are resolved against; nothing outside it is ever opened.
///
/// Paths are resolved with realpath(3), so a symbolic link is followed only when its target lies
/// inside the root.
public struct DatasetRoot {
    /// Where a relative path leads.
    public enum Resolution: Equatable {
        /// An existing file or folder inside the root, as an absolute real path.
        case inside(String)
        /// Nothing exists at the path (or a link is dangling).
        case missing
        /// The path exists but resolves outside the root.
        case outside(String)
    }

    /// The root as given by the user.
    public let given: String
    /// The root's real path.
    public let real: String

    /// Resolves `path`; nil when it does not exist or is not a folder.
    public init?(path: String) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder),
              isFolder.boolValue, let real = DatasetRoot.realPath(path) else { return nil }
        self.given = path
        self.real = real
    }

    /// Resolves `relative` (components joined with `/`) against the root.
    public func resolve(_ relative: String) -> Resolution {
        let joined = (real as NSString).appendingPathComponent(relative)
        guard let resolved = DatasetRoot.realPath(joined) else { return .missing }
        if resolved == real || resolved.hasPrefix(real.hasSuffix("/") ? real : real + "/") {
            return .inside(resolved)
        }
        return .outside(resolved)
    }

    /// Whether `id` can be used as a single file-name component: not empty, not `.` or `..`,
    /// no `/`, backslash, NUL or other control characters.
    public static func isPlainFileName(_ id: String) -> Bool {
        guard !id.isEmpty, id != ".", id != ".." else { return false }
        for scalar in id.unicodeScalars {
            if scalar == "/" || scalar == "\\" || scalar.value < 0x20 || scalar.value == 0x7f {
                return false
            }
        }
        return true
    }

    /// realpath(3) of `path`, or nil when it cannot be resolved.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
