import Media

/// Optical flow of a gesture computed from its kept frames: Farnebäck flow (`FarnebackFlow`
/// with its default settings) from kept frame t to kept frame t + 1 on gray frames at the
/// cached size, for t < T − 1; frame T − 1 has no successor and holds zeros. Two identical
/// consecutive frames (a range shorter than T repeats frames) get zeros without computing.
/// Not thread-safe: one per worker.
// LIMITATION: the flow costs 5–7 ms per frame pair at 112×112 and 20–56 ms at 256×256 on one
// core (no SIMD; OpenCV 4.10 on one thread: 6 and 27 ms), so the reference preset's 79 pairs
// add 2–4.5 s of CPU per gesture — the price of computing what the reference ships.
struct GestureFlow {
    private let method: FarnebackFlow

    init() throws {
        method = try FarnebackFlow()
    }

    /// float16 bit patterns [T, H, W, 2] (x then y, in pixels of the cached size) for
    /// `frames`, RGB (taken as BT.601 luma) or gray.
    func compute(_ frames: GestureFrames) throws -> [UInt16] {
        let plane = frames.height * frames.width
        var out = [UInt16](repeating: 0, count: frames.count * plane * 2)
        let gray: (Int) -> [UInt8] = { index in
            let bytes = Array(frames.frame(index))
            return frames.channels == 3 ? GestureFrameReader.luma(bytes) : bytes
        }
        guard frames.count > 1 else { return out }
        var current = gray(0)
        for index in 0..<(frames.count - 1) {
            let next = gray(index + 1)
            defer { current = next }
            if next == current { continue }
            let flow = try method.flow(from: current.map { Float($0) }, to: next.map { Float($0) },
                                       width: frames.width, height: frames.height)
            let base = index * plane * 2
            for (offset, value) in flow.enumerated() {
                out[base + offset] = Float16(value).bitPattern
            }
        }
        return out
    }
}
