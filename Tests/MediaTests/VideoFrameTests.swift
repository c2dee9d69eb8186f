import XCTest

@testable import Media

/// Frame sampling from real footage: the 30 fps FLV and the 29.97 fps MP4 fixtures.
final class VideoFrameTests: XCTestCase {
    let flv = FrameFixtures.path("bunny_30fps.flv")
    let mp4 = FrameFixtures.path("carphone_2997.mp4")

    func testExploreNumbers() throws {
        let extractor = try FrameExtractor(config: FrameConfig())
        let video = try extractor.frames(fromVideo: flv)
        print("indices", video.sourceIndices, video.sourceTimes)
        let folder = try extractor.frames(fromFolder: FrameFixtures.path("Image-01-FPS/bunny_30fps"))
        var config = FrameConfig()
        config.fps = 2
        let two = try FrameExtractor(config: config).frames(fromVideo: flv)
        print("2fps", two.sourceIndices)
        for i in 0..<video.count {
            let good = FrameFixtures.meanAbs(video.frame(i), folder.frame(i))
            let bad = FrameFixtures.meanAbs(two.frame(2 * i + 1), folder.frame(i))
            let goodTop = FrameFixtures.meanAbsAboveStrip(video.frame(i), folder.frame(i), width: 224, rows: 200)
            let badTop = FrameFixtures.meanAbsAboveStrip(two.frame(2 * i + 1), folder.frame(i), width: 224, rows: 200)
            let idx = FrameFixtures.burnedIndex(video.frame(i), width: 224, height: 224, sourceWidth: 480, sourceHeight: 360, bits: 8, strip: 24)
            print(i, good, bad, goodTop, badTop, idx)
        }
        var fc = FrameConfig()
        fc.rule = .ffmpegFPS
        let ff = try FrameExtractor(config: fc).frames(fromVideo: flv)
        print("ffmpeg", ff.sourceIndices)
        fc.maxFrames = 20
        let car = try FrameExtractor(config: fc).frames(fromVideo: mp4)
        print("car ffmpeg", car.sourceIndices)
        var c2 = FrameConfig(); c2.maxFrames = 20
        let car2 = try FrameExtractor(config: c2).frames(fromVideo: mp4)
        print("car fos", car2.sourceIndices, car2.sourceTimes)
        print((0..<car2.count).map { FrameFixtures.burnedIndex(car2.frame($0), width: 224, height: 224, sourceWidth: 176, sourceHeight: 144, bits: 9, strip: 16) })
        let t0 = Date()
        for _ in 0..<20 { _ = try extractor.frames(fromVideo: flv) }
        print("ms per clip", Date().timeIntervalSince(t0) / 20 * 1000)
    }
}
