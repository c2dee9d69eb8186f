import XCTest

@testable import Media

/// The clip-length rules on small arrays (CASES F3), worked out by hand.
final class AudioFitTests: XCTestCase {
    private let clip: [Float] = [1, 2, 3]

    func testRepeatLoopsThenCuts() {
        XCTAssertEqual(AudioFit.fit(clip, length: 8, rule: .repeat), [1, 2, 3, 1, 2, 3, 1, 2])
        XCTAssertEqual(AudioFit.fit(clip, length: 3, rule: .repeat), [1, 2, 3])
        XCTAssertEqual(AudioFit.fit([1, 2, 3, 4, 5], length: 2, rule: .repeat), [1, 2])
        XCTAssertEqual(AudioFit.fit([7], length: 4, rule: .repeat), [7, 7, 7, 7])
    }

    func testPadAndCropStartAppendZeros() {
        for rule in [FitRule.pad, .cropStart] {
            XCTAssertEqual(AudioFit.fit(clip, length: 5, rule: rule), [1, 2, 3, 0, 0])
            XCTAssertEqual(AudioFit.fit([1, 2, 3, 4, 5], length: 3, rule: rule), [1, 2, 3])
        }
    }

    func testCropCentre() {
        // long: (6 - 3) / 2 = 1 sample dropped at the start, 2 at the end
        XCTAssertEqual(AudioFit.fit([1, 2, 3, 4, 5, 6], length: 3, rule: .cropCentre), [2, 3, 4])
        // short: (6 - 3) / 2 = 1 zero before, 2 after
        XCTAssertEqual(AudioFit.fit(clip, length: 6, rule: .cropCentre), [0, 1, 2, 3, 0, 0])
    }

    func testTile3IsTheReferenceRule() {
        // at least a third of the length: same as repeat
        XCTAssertEqual(AudioFit.fit(clip, length: 8, rule: .tile3), [1, 2, 3, 1, 2, 3, 1, 2])
        // shorter: three copies only, the result stays short (np.tile(y, 3)[:length])
        XCTAssertEqual(AudioFit.fit([1, 2], length: 10, rule: .tile3), [1, 2, 1, 2, 1, 2])
        // a 0.5 s clip at 22 050 Hz → 33 075 samples → 1 + 33075 / 353 = 94 frames (CASES F3)
        let half = [Float](repeating: 0.1, count: 11_025)
        let fitted = AudioFit.fit(half, length: 66_150, rule: .tile3)
        XCTAssertEqual(fitted.count, 33_075)
        XCTAssertEqual(AudioConfig.frameCount(samples: fitted.count, nFFT: 512, hop: 353,
                                              center: true), 94)
    }

    func testEmptyClipGivesZerosWithoutLooping() {
        for rule in FitRule.allCases {
            XCTAssertEqual(AudioFit.fit([], length: 4, rule: rule), [0, 0, 0, 0], "\(rule)")
            XCTAssertEqual(AudioFit.fit(clip, length: 0, rule: rule), [], "\(rule)")
        }
    }

    func testLongClipsKeepExactLength() {
        let long = (0..<100_000).map { Float($0) }
        for rule in FitRule.allCases {
            let fitted = AudioFit.fit(long, length: 66_150, rule: rule)
            XCTAssertEqual(fitted.count, 66_150, "\(rule)")
            XCTAssertEqual(fitted.first, rule == .cropCentre ? Float((100_000 - 66_150) / 2) : 0)
        }
    }
}
