import Cache
import Datasets
import Foundation
import XCTest

/// Helpers of the cache tests: a small real-media layout, the `amss` binary, shard digests.
enum CacheTestSupport {
    /// The `amss` binary built beside the test bundle.
    static var executable: String {
        let bundle = Bundle(for: CacheBundleMarker.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map {
            $0.appendingPathComponent("amss").path
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? candidates[0]
    }

    /// The repository root (three levels above this file).
    static func repository(file: StaticString = #filePath) -> String {
        URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// Runs `amss` to completion.
    static func amss(_ arguments: [String], input: String? = nil) throws
        -> (status: Int32, out: String, err: String) {
        try run(executable, arguments, input: input)
    }

    /// Runs a program to completion, collecting stdout and stderr.
    static func run(_ program: String, _ arguments: [String], input: String? = nil,
                    environment: [String: String]? = nil) throws
        -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let capture = NSTemporaryDirectory() + "amss-capture-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: capture + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: capture + ".err", contents: nil)
        defer {
            unlink(capture + ".out")
            unlink(capture + ".err")
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: capture + ".out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: capture + ".err"))
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inPipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        let outData = FileManager.default.contents(atPath: capture + ".out") ?? Data()
        let errData = FileManager.default.contents(atPath: capture + ".err") ?? Data()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                String(decoding: errData, as: UTF8.self))
    }

    /// Copies the first `train` and `test` good clips of the real-media layout (audio and
    /// frame folder or video) into `destination` with their annotations; returns the clips'
    /// ids per split.
    @discardableResult
    static func smallLayout(at destination: String, train: Int = 14,
                            test: Int = 6) throws -> [String: [String]] {
        let layout = try RealCremaLayout.locate()
        let bad = Set(layout.expected.map(\.id))
        let scan = CremaLayout().scan(root: layout.root)
        guard let real = DatasetRoot(path: layout.root)?.real else {
            throw CocoaError(.fileNoSuchFile)
        }
        let manager = FileManager.default
        for folder in ["annotations", "AudioWAV", "Image-01-FPS", "VideoFlash"] {
            try manager.createDirectory(atPath: destination + "/" + folder,
                                        withIntermediateDirectories: true)
        }
        var chosen: [String: [String]] = [:]
        for (split, count) in [("train", train), ("test", test)] {
            let picked = scan.samples.filter { $0.split == split && !bad.contains($0.id) }
                .prefix(count)
            var rows: [String] = []
            for sample in picked {
                for source in sample.sources.values {
                    let relative = String(source.dropFirst(real.count))
                    try manager.copyItem(atPath: source, toPath: destination + relative)
                }
                rows.append("\(sample.id),\(scan.classes[sample.label])")
            }
            chosen[split] = picked.map(\.id)
            try Data((rows.joined(separator: "\n") + "\n").utf8)
                .write(to: URL(fileURLWithPath: "\(destination)/annotations/\(split).csv"))
        }
        return chosen
    }

    /// Writes the built-in pipeline config with another shard size and deflate level.
    static func config(at path: String, shardSize: Int, deflate: Int = 0) throws {
        let source = repository() + "/pipelines/crema.json"
        guard let data = FileManager.default.contents(atPath: source),
              var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        object["shard_size"] = shardSize
        object["deflate"] = deflate
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            .write(to: URL(fileURLWithPath: path))
    }

    /// The cache folder a `prep --json` printed.
    static func cacheFolder(fromJSON out: String) -> String? {
        guard let line = out.split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8))
                as? [String: Any] else { return nil }
        return object["cache_folder"] as? String
    }

    /// SHA-256 of every shard file present, by path relative to the cache folder.
    static func shardDigests(_ folder: String) throws -> [String: String] {
        var digests: [String: String] = [:]
        for file in CacheFiles.shardFiles(in: folder) {
            digests[file] = try SHA256.hex(ofFile: folder + "/" + file)
        }
        return digests
    }

    /// Every dataset of every shard, read back through `ShardReader`.
    struct ShardValues: Equatable {
        let ids: [String]
        let labels: [Int64]
        let frameCounts: [Int32]
        let audio: [Float]
        let frames: [UInt8]
        let shapes: [[Int]]
    }

    /// The values of every shard the folder's manifest lists, by file.
    static func values(_ folder: String) throws -> [String: ShardValues] {
        var result: [String: ShardValues] = [:]
        for (_, entry) in try Manifest.load(cacheFolder: folder).allEntries {
            let reader = try ShardReader(path: folder + "/" + entry.file)
            var audio: [Float] = [], frames: [UInt8] = []
            for sample in 0..<reader.sampleCount {
                audio += try reader.readFloat32("audio", sample: sample)
                frames += try reader.readUInt8("frames", sample: sample)
            }
            result[entry.file] = ShardValues(
                ids: try reader.ids(), labels: try reader.int64Column("label"),
                frameCounts: try reader.int32Column("frame_count"), audio: audio, frames: frames,
                shapes: try ["ids", "label", "audio", "frames", "frame_count"].map {
                    try reader.shape(of: $0)
                })
        }
        return result
    }

    /// A fresh temporary folder.
    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "amss-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Anchors `Bundle(for:)` to the test bundle.
final class CacheBundleMarker {}
