/// Chooses, frame by frame, which decoded frames a `FrameRule` keeps; knows nothing of pixels.
///
/// Times are ticks of a stream time base `num/den` measured from the stream start. A tick count
/// is turned into output ticks x = ticks·num·fps / den with one rounding (the product is exact
/// below 2⁵³), so a frame at exactly 1 s or 1.5 s compares exactly.
struct FramePicker {
    /// One kept frame: its decoded index and its time in seconds.
    struct Pick: Equatable {
        /// 0-based index among the decoded frames.
        let index: Int
        /// Seconds from the stream start.
        let time: Double
    }

    /// What to do with the frame just offered.
    struct Step: Equatable {
        /// How many copies of the held frame to emit before anything else (ffmpeg-fps).
        var heldCopies = 0
        /// Whether to emit the offered frame now (first-of-second).
        var emitOffered = false
        /// Whether the offered frame becomes the held frame (ffmpeg-fps).
        var holdOffered = false
    }

    let rule: FrameRule
    let fps: Double
    let maxFrames: Int
    let timeBase: (num: Int64, den: Int64)
    /// reference-index keeps decoded frames whose index is a multiple of this (≥ 1).
    let indexStep: Int

    /// The frames kept so far, in output order (ffmpeg-fps may repeat an index over a gap).
    private(set) var picks: [Pick] = []
    /// The next output tick k.
    private var nextTick: Int64?
    /// The frame held as the ffmpeg-fps candidate for `nextTick`.
    private var held: (index: Int, ticks: Int64, rounded: Int64, time: Double)?

    /// Makes a picker for frames whose times are in ticks of `timeBase` seconds; `frameRate` is
    /// the stream's average rate, used only by reference-index (step int(frameRate / fps)).
    init(rule: FrameRule, fps: Double, maxFrames: Int, timeBase: (num: Int64, den: Int64),
         frameRate: Double = 0) {
        self.rule = rule
        self.fps = fps
        self.maxFrames = maxFrames
        self.timeBase = timeBase
        indexStep = Self.indexStep(frameRate: frameRate, fps: fps)
    }

    /// int(frameRate / fps) as Python's int() truncates, at least 1 (a rate below fps, or an
    /// unknown rate, keeps every frame).
    static func indexStep(frameRate: Double, fps: Double) -> Int {
        let ratio = frameRate / fps
        guard ratio.isFinite, ratio >= 1 else { return 1 }
        return Int(ratio.rounded(.towardZero))
    }

    /// Whether `maxFrames` frames are kept (decoding can stop).
    var isFull: Bool { picks.count >= maxFrames }

    /// Offers decoded frame `index` at `ticks` from the stream start; says what to emit.
    mutating func offer(index: Int, ticks: Int64) -> Step {
        guard !isFull else { return Step() }
        let time = seconds(ticks)
        let x = outputTicks(ticks)
        switch rule {
        case .firstOfSecond:
            let k = nextTick ?? 0
            guard x >= Double(k) else { return Step() }
            picks.append(Pick(index: index, time: time))
            nextTick = Int64(x.rounded(.down)) + 1
            return Step(emitOffered: true)
        case .ffmpegFPS:
            let rounded = Self.roundHalfAway(x)
            var step = Step(holdOffered: true)
            if let held, let k = nextTick {
                step.heldCopies = emitHeld(held, upTo: rounded, from: k)
            } else {
                nextTick = rounded
            }
            held = (index, ticks, rounded, time)
            return step
        case .referenceIndex:
            guard index % indexStep == 0 else { return Step() }
            picks.append(Pick(index: index, time: time))
            return Step(emitOffered: true)
        }
    }

    /// Ends the stream: the last frame lasted `lastDurationTicks`; returns how many copies of
    /// the held frame still go out (ffmpeg-fps ticks before round(end·fps)).
    mutating func finish(lastDurationTicks: Int64) -> Int {
        guard rule == .ffmpegFPS, let held, let k = nextTick else { return 0 }
        let end = Self.roundHalfAway(outputTicks(held.ticks + max(0, lastDurationTicks)))
        let copies = emitHeld(held, upTo: end, from: k)
        self.held = nil
        return copies
    }

    // MARK: - Internals

    /// Emits the held frame for every tick k with k < `limit` (each such tick's last frame with
    /// rounded time ≤ k is the held one); returns the number of copies, capped by `maxFrames`.
    private mutating func emitHeld(_ held: (index: Int, ticks: Int64, rounded: Int64,
                                            time: Double),
                                   upTo limit: Int64, from k: Int64) -> Int {
        var tick = k
        var copies = 0
        while tick < limit && !isFull {
            picks.append(Pick(index: held.index, time: held.time))
            copies += 1
            tick += 1
        }
        nextTick = tick
        return copies
    }

    /// Seconds of `ticks`.
    private func seconds(_ ticks: Int64) -> Double {
        Double(ticks) * Double(timeBase.num) / Double(timeBase.den)
    }

    /// `ticks` in output ticks (units of 1/fps s).
    private func outputTicks(_ ticks: Int64) -> Double {
        Double(ticks) * Double(timeBase.num) * fps / Double(timeBase.den)
    }

    /// Rounds half away from zero, as libav's AV_ROUND_NEAR_INF.
    static func roundHalfAway(_ x: Double) -> Int64 {
        x >= 0 ? Int64((x + 0.5).rounded(.down)) : -Int64((-x + 0.5).rounded(.down))
    }
}
