import Cache
import Foundation
import XCTest

/// `pipelines/crema-layout.json` describes CREMA-D as a folder layout: `prep folder` with it
/// over the real-media CREMA-D layout gives, for every clip `prep crema` accepts, the same
/// label, spectrogram, frames and frame count bit for bit. `prep crema` keeps the rules a
/// generic layout cannot know (clip names, the label in the name, duration outliers), so it
/// rejects those clips that the folder layout accepts, and nothing else.
final class CremaLayoutFileTests: XCTestCase {
    private struct Clip: Equatable {
        let label: Int64
        let audio: [Float]
        let frames: [UInt8]
        let frameCount: Int32
    }

    private func clips(_ folder: String) throws -> [String: Clip] {
        var clips: [String: Clip] = [:]
        for (_, entry) in try Manifest.load(cacheFolder: folder).allEntries {
            let reader = try ShardReader(path: folder + "/" + entry.file)
            let labels = try reader.int64Column("label")
            let counts = try reader.int32Column("frame_count")
            for (index, id) in try reader.ids().enumerated() {
                clips[id] = Clip(label: labels[index],
                                 audio: try reader.readFloat32("audio", sample: index),
                                 frames: try reader.readUInt8("frames", sample: index),
                                 frameCount: counts[index])
            }
        }
        return clips
    }

    func testFolderPrepWithTheCremaLayoutFileGivesPrepCremasClips() throws {
        let root = ProcessInfo.processInfo.environment["AMSS_REAL_CREMA"]
            ?? CacheTestSupport.repository() + "/tools/.media/crema-real"
        guard FileManager.default.fileExists(atPath: root + "/annotations/train.csv") else {
            return XCTFail("no CREMA-D layout at \(root): run tools/test.sh")
        }
        let scratch = NSTemporaryDirectory() + "amss-crema-layout-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let layout = CacheTestSupport.repository() + "/pipelines/crema-layout.json"

        var folders: [String] = []
        for arguments in [["folder", root, "--layout", layout], ["crema", root]] {
            let prep = try CacheTestSupport.amss(["prep"] + arguments
                                                 + ["--cache", scratch, "--quiet"])
            XCTAssertEqual(prep.status, 0, prep.err)
            folders.append(String(prep.out.split(separator: "\n").last ?? ""))
        }
        let generic = try clips(folders[0]), builtIn = try clips(folders[1])
        XCTAssertEqual(try Manifest.load(cacheFolder: folders[0]).classes,
                       try Manifest.load(cacheFolder: folders[1]).classes)
        XCTAssertGreaterThan(builtIn.count, 100)
        for (id, clip) in builtIn { XCTAssertEqual(generic[id], clip, id) }

        let rejected = try Manifest.load(cacheFolder: folders[1]).rejected
        for id in Set(generic.keys).subtracting(builtIn.keys) {
            let code = rejected.first { $0.id == id }?.code ?? "none"
            XCTAssertTrue(["bad-name", "label-mismatch", "duration-outlier"].contains(code),
                          "\(id): \(code)")
        }
    }
}
