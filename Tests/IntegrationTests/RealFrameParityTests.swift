import Foundation
import Media
import XCTest

/// On every real clip that has both an FLV and an OGM-GE-style frame folder made from it, the
/// frames decoded from the FLV are the folder's frames: same source indices, same pixels up to
/// JPEG loss.
final class RealFrameParityTests: XCTestCase {
    /// Mean absolute difference allowed per 8-bit channel value: JPEG quality-95 loss plus two
    /// YUV→RGB roundings (measured ≈ 1.1 on the committed fixture; a frame 15 source frames
    /// away differs by more than 8).
    private let jpegLossBound = 3.0

    func testFLVFramesEqualTheFrameFolder() throws {
        let layout = try RealCremaLayout.locate()
        let folders = (try? FileManager.default.contentsOfDirectory(
            atPath: layout.root + "/Image-01-FPS")) ?? []
        let extractor = try FrameExtractor(config: FrameConfig())
        var compared = 0
        var worst = 0.0
        for id in folders.sorted() {
            let folder = "\(layout.root)/Image-01-FPS/\(id)"
            let video = "\(layout.root)/VideoFlash/\(id).flv"
            let files = (try? FrameExtractor.frameFiles(inFolder: folder)) ?? []
            guard !files.isEmpty, FileManager.default.fileExists(atPath: video) else { continue }

            let fromFolder = try extractor.frames(fromFolder: folder)
            let fromVideo = try extractor.frames(fromVideo: video)
            let named = files.map { Int(($0 as NSString).lastPathComponent
                .prefix { $0.isNumber }) ?? -1 }
            XCTAssertEqual(fromVideo.sourceIndices, Array(named.prefix(fromVideo.count)), id)
            XCTAssertEqual(fromVideo.count, fromFolder.count, id)
            for index in 0..<min(fromVideo.count, fromFolder.count) {
                let difference = meanAbsoluteDifference(fromVideo.frame(index),
                                                        fromFolder.frame(index))
                worst = max(worst, difference)
                XCTAssertLessThanOrEqual(difference, jpegLossBound, "\(id) frame \(index)")
            }
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 40, "too few clips with both sources")
        print("frame parity: \(compared) clips, worst mean |Δ| \(worst)")
    }

    private func meanAbsoluteDifference(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Double {
        var total = 0
        for (x, y) in zip(a, b) { total += abs(Int(x) - Int(y)) }
        return Double(total) / Double(max(1, a.count))
    }
}
