import Foundation
import XCTest

/// The Kinetics-Sounds-layout folder that `tools/make_ks_real.py` builds from real recordings
/// and videos with real split-list ids (`tools/test.sh` builds it and sets AMSS_REAL_KS).
struct RealKineticsSoundsLayout: Decodable {
    /// One good clip: its class index, where its audio and frames come from, its frame count.
    struct Clip: Decodable {
        let label: Int
        let audio: String
        let visual: String
        let frameCount: Int

        enum CodingKeys: String, CodingKey {
            case label, audio, visual
            case frameCount = "frame_count"
        }
    }

    /// One planted bad row and the finding code (or prep rejection code) it must produce.
    struct Bad: Decodable {
        let id: String
        let split: String
        let code: String
        let stage: String
    }

    let classes: Int
    /// Per split, the good clips by id.
    let clips: [String: [String: Clip]]
    let bad: [Bad]
    /// The folder.
    var root = ""

    enum CodingKeys: String, CodingKey { case classes, clips, bad }

    /// Finds the layout or fails the test with what to run.
    static func locate(file: StaticString = #filePath, line: UInt = #line) throws
        -> RealKineticsSoundsLayout {
        let repository = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let root = ProcessInfo.processInfo.environment["AMSS_REAL_KS"]
            ?? repository + "/tools/.media/ks-real"
        guard let data = FileManager.default.contents(atPath: root + "/EXPECTED.json") else {
            XCTFail("no real-media Kinetics-Sounds layout at \(root): run tools/test.sh (or "
                    + "python3 tools/make_ks_real.py \(root))", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        var layout = try JSONDecoder().decode(RealKineticsSoundsLayout.self, from: data)
        layout.root = root
        return layout
    }
}
