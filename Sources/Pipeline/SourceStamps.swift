import Cache
import Datasets
import Foundation

/// The identities of a shard's inputs: by source file sizes and modification times, or by
/// their contents (`prep --strict`).
enum SourceStamps {
    /// SHA-256 over `place` and, per sample, id, label, each source file's path relative
    /// to the root, size and modification time (every file of a frame folder) and its texts.
    static func identity(of samples: [Sample], place: String, rootReal: String) -> String {
        var text = place
        for sample in samples {
            text += "sample \(sample.id) \(sample.label)\n"
            for (key, file) in files(of: sample) {
                let stamp = FileStamp.of(file)
                text += "  \(key) \(relative(file, rootReal)) \(stamp?.bytes ?? -1) "
                    + "\(stamp?.mtimeNs ?? 0)\n"
            }
            text += texts(of: sample)
        }
        return SHA256.hex(of: text)
    }

    /// SHA-256 over `place` and, per sample, id, label and each source file's relative path
    /// and SHA-256 of its bytes (a file that cannot be read counts as `unreadable`).
    static func contentIdentity(of samples: [Sample], place: String, rootReal: String) -> String {
        var text = place
        for sample in samples {
            text += "sample \(sample.id) \(sample.label)\n"
            for (key, file) in files(of: sample) {
                let digest = (try? SHA256.hex(ofFile: file)) ?? "unreadable"
                text += "  \(key) \(relative(file, rootReal)) \(digest)\n"
            }
            text += texts(of: sample)
        }
        return SHA256.hex(of: text)
    }

    /// One line per text of the sample (its key and the SHA-256 of its UTF-8), so that an
    /// edited caption changes the shard's identity; empty for samples without texts.
    private static func texts(of sample: Sample) -> String {
        sample.texts.keys.sorted().map { key in
            "  text \(key) \(SHA256.hex(of: sample.texts[key] ?? ""))\n"
        }.joined()
    }

    /// The place text both identities start with.
    static func place(configKey: String, file: String, buckets: Int) -> String {
        "config \(configKey)\nshard \(file) of \(buckets)\n"
    }

    /// (source key, file) pairs of a sample: each source file, or each file of a source
    /// folder in name order.
    private static func files(of sample: Sample) -> [(String, String)] {
        let manager = FileManager.default
        var pairs: [(String, String)] = []
        for key in sample.sources.keys.sorted() {
            guard let path = sample.sources[key] else { continue }
            var isFolder: ObjCBool = false
            if manager.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                let names = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).sorted()
                pairs += names.map { (key, (path as NSString).appendingPathComponent($0)) }
            } else {
                pairs.append((key, path))
            }
        }
        return pairs
    }

    private static func relative(_ file: String, _ rootReal: String) -> String {
        file.hasPrefix(rootReal) ? String(file.dropFirst(rootReal.count)) : file
    }
}
