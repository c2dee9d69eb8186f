import Foundation
import XCTest

@testable import Media

/// The frame-picking rules on bare timestamps, against FFmpeg's own `fps=1` filter (run by
/// tools/ref/frame_fixtures.py through libavfilter) and a Python first-of-second reference.
final class FramePickerTests: XCTestCase {
    /// Runs the picker over a whole timestamp list and returns the kept indices.
    private func pick(_ rule: FrameRule, pts: [Int64], durations: [Int64],
                      timeBase: (Int64, Int64), fps: Double = 1, maxFrames: Int = 1000) -> [Int] {
        var picker = FramePicker(rule: rule, fps: fps, maxFrames: maxFrames,
                                 timeBase: (num: timeBase.0, den: timeBase.1))
        var emitted: [Int] = []
        var held: Int?
        for (i, ticks) in pts.enumerated() {
            let step = picker.offer(index: i, ticks: ticks)
            emitted += Array(repeating: held ?? -1, count: step.heldCopies)
            if step.emitOffered { emitted.append(i) }
            if step.holdOffered { held = i }
        }
        emitted += Array(repeating: held ?? -1,
                         count: picker.finish(lastDurationTicks: durations.last ?? 0))
        XCTAssertEqual(emitted, picker.picks.map(\.index), "emitted frames agree with picks")
        return emitted
    }

    func testSyntheticCasesMatchFFmpegAndTheReference() throws {
        let cases = FrameFixtures.expected["synthetic"] as! [[String: Any]]
        XCTAssertEqual(cases.count, 6)
        for item in cases {
            let name = item["name"] as! String
            let base = item["time_base"] as! [Int]
            let pts = (item["pts"] as! [Int]).map(Int64.init)
            let durations = (item["durations"] as! [Int]).map(Int64.init)
            let timeBase = (Int64(base[0]), Int64(base[1]))
            XCTAssertEqual(pick(.firstOfSecond, pts: pts, durations: durations,
                                timeBase: timeBase),
                           item["first_of_second"] as! [Int], name)
            XCTAssertEqual(pick(.ffmpegFPS, pts: pts, durations: durations, timeBase: timeBase),
                           item["ffmpeg_fps"] as! [Int], name)
        }
    }

    /// Hand-worked: frames at 0, 0.4, 1.2, 3.3 s. First-of-second keeps 0 (≥ 0), 1.2 (≥ 1) and
    /// 3.3 (≥ 2, once). ffmpeg-fps keeps 0.4 for second 0 and 1.2 for seconds 1 and 2; second 3
    /// exists only if the stream ends at or after 3.5 s: not with a 0.1 s last frame (ends
    /// 3.4 s), yes with a 0.3 s one (ends 3.6 s).
    func testGapsByHand() {
        let pts: [Int64] = [0, 400, 1200, 3300]
        XCTAssertEqual(pick(.firstOfSecond, pts: pts, durations: [100], timeBase: (1, 1000)),
                       [0, 2, 3])
        XCTAssertEqual(pick(.ffmpegFPS, pts: pts, durations: [100], timeBase: (1, 1000)),
                       [1, 2, 2])
        XCTAssertEqual(pick(.ffmpegFPS, pts: pts, durations: [300], timeBase: (1, 1000)),
                       [1, 2, 2, 3])
    }

    func testMaxFramesCapsRepeatsToo() {
        let pts: [Int64] = [0, 400, 1200, 3300]
        XCTAssertEqual(pick(.ffmpegFPS, pts: pts, durations: [300], timeBase: (1, 1000),
                            maxFrames: 2), [1, 2])
        XCTAssertEqual(pick(.firstOfSecond, pts: pts, durations: [100], timeBase: (1, 1000),
                            maxFrames: 1), [0])
    }

    /// At 2 FPS the thresholds are 0, 0.5, 1.0 s: 30 fps frames 0, 15, 30, 45.
    func testOtherRates() {
        let pts = (0..<60).map { Int64($0) }
        XCTAssertEqual(pick(.firstOfSecond, pts: pts, durations: [1], timeBase: (1, 30), fps: 2),
                       [0, 15, 30, 45])
        XCTAssertEqual(pick(.ffmpegFPS, pts: pts, durations: [1], timeBase: (1, 30), fps: 2),
                       [7, 22, 37, 52])
    }

    func testFramesBeforeTheStartAreNotKeptByFirstOfSecond() {
        XCTAssertEqual(pick(.firstOfSecond, pts: [-66, -33, 0, 33, 1000], durations: [33],
                            timeBase: (1, 1000)), [2, 4])
    }

    /// Hand-worked: int(29.97) = 29, int(30 / 2) = 15, an unknown rate keeps every frame.
    func testReferenceIndexCountsFrames() {
        XCTAssertEqual(FramePicker.indexStep(frameRate: 30000.0 / 1001, fps: 1), 29)
        XCTAssertEqual(FramePicker.indexStep(frameRate: 30, fps: 2), 15)
        XCTAssertEqual(FramePicker.indexStep(frameRate: 0, fps: 1), 1)
        var picker = FramePicker(rule: .referenceIndex, fps: 1, maxFrames: 3,
                                 timeBase: (1, 1000), frameRate: 25)
        var kept: [Int] = []
        for i in 0..<100 where picker.offer(index: i, ticks: Int64(i * 40)).emitOffered {
            kept.append(i)
        }
        XCTAssertEqual(kept, [0, 25, 50])
        XCTAssertEqual(picker.picks.map(\.time), [0, 1, 2])
        XCTAssertEqual(picker.finish(lastDurationTicks: 40), 0)
    }

    func testRoundingIsHalfAwayFromZero() {
        XCTAssertEqual(FramePicker.roundHalfAway(0.5), 1)
        XCTAssertEqual(FramePicker.roundHalfAway(0.4999), 0)
        XCTAssertEqual(FramePicker.roundHalfAway(-0.5), -1)
        XCTAssertEqual(FramePicker.roundHalfAway(2.5), 3)
    }
}
