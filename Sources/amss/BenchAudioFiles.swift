import Console
import Foundation

/// The files `amss bench audio` times: the named files, and every audio or video file under
/// the named folders, sorted by path.
enum BenchAudioFiles {
    /// File name extensions taken from folders (files named directly are always taken).
    static let extensions: Set<String> = [
        "wav", "wave", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "au", "w64", "rf64",
        "caf", "mp4", "m4a", "mov", "flv", "avi", "mkv", "webm",
    ]

    /// The files, folders expanded recursively; throws a usage error for a path that does
    /// not exist or a selection without files.
    static func collect(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw UsageError("no such file or folder: \(path)")
            }
            guard isFolder.boolValue else {
                files.append(path)
                continue
            }
            let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String }
                ?? []
            files += found
                .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
        }
        guard !files.isEmpty else { throw UsageError("no audio or video files in \(paths)") }
        return files
    }
}
