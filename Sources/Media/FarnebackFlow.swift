import Foundation

/// Dense optical flow between two gray frames by Farnebäck's two-frame motion estimation
/// ("Two-Frame Motion Estimation Based on Polynomial Expansion", SCIA 2003), coarse to fine.
///
/// At each pyramid level both frames are smoothed and scaled (`FlowPlane`), and each pixel's
/// neighbourhood is fitted by a quadratic polynomial (`PolynomialExpansion`). For a frame that
/// moved by d, the second fit's linear term is b₂ = b₁ − 2·A·d, so with the current estimate
/// d̃ and the second fit read at x + d̃, A = (A₁ + A₂(x + d̃)) / 2 and
/// Δb = (b₁ − b₂(x + d̃)) / 2 + A·d̃ give A·d = Δb. The normal equations Aᵀ·A, Aᵀ·Δb are
/// averaged over a window×window box and solved per pixel, `iterations` times per level, the
/// flow then scaled up to the next level as its starting estimate. The output is the
/// displacement in pixels from the first frame to the second: [H, W, 2] with x then y.
///
/// The numbers follow OpenCV's `calcOpticalFlowFarneback` with `flags = 0` (see the parity
/// test): pyramid levels stop above 32 pixels, where the displaced point leaves the image the
/// second frame's fit is not used (A = A₁, b₂ = 0), and the equations of the five pixels
/// nearest each edge are down-weighted (the fit there leans on replicated pixels). Unlike
/// OpenCV, a point on the last row or column still reads the second fit (OpenCV treats it as
/// outside, so two equal frames get a non-zero flow there).
public struct FarnebackFlow: Sendable {
    /// The method's settings; the defaults are the common OpenCV choice (0.5, 3, 15, 3, 5, 1.2).
    public struct Parameters: Equatable, Sendable {
        /// The size ratio between pyramid levels, in (0, 1).
        public var pyramidScale = 0.5
        /// Extra pyramid levels at most (fewer when a level would be under 32 pixels).
        public var levels = 3
        /// The odd side of the averaging box, in pixels.
        public var window = 15
        /// Solves per level.
        public var iterations = 3
        /// The polynomial neighbourhood's radius n (the fit spans 2n + 1 pixels).
        public var polyRadius = 5
        /// The σ of the polynomial fit's Gaussian applicability.
        public var polySigma = 1.2

        /// Makes the defaults.
        public init() {}
    }

    /// The equation weight of the pixels 0…4 from an edge (squared: 0.02, 0.02, 0.2, 0.2, 0.2).
    private static let edgeScale: [Float] = [0.14, 0.14, 0.4472, 0.4472, 0.4472]
    /// Pyramid levels are not made smaller than this many pixels on either side.
    private static let smallestLevel = 32.0

    /// The settings.
    public let parameters: Parameters
    private let expansion: PolynomialExpansion

    /// Makes the method; throws `bad-config` for settings outside their ranges.
    public init(parameters: Parameters = Parameters()) throws {
        let p = parameters
        guard p.pyramidScale > 0, p.pyramidScale < 1, (0...10).contains(p.levels),
              p.window >= 3, p.window % 2 == 1, (1...100).contains(p.iterations),
              (1...10).contains(p.polyRadius), p.polySigma > 0 else {
            throw MediaError(path: "", code: "bad-config", reason: "Farnebäck flow needs a "
                             + "pyramid scale in (0, 1), 0–10 levels, an odd window ≥ 3, 1–100 "
                             + "iterations, a radius of 1–10 and σ > 0; got \(p)")
        }
        self.parameters = p
        expansion = PolynomialExpansion(radius: p.polyRadius, sigma: p.polySigma)
    }

    /// The flow from `first` to `second`, two width×height gray frames (row-major, any
    /// scale, e.g. 0–255): [height, width, 2] displacements in pixels, x then y. Throws
    /// `bad-config` when a frame does not hold width·height values.
    public func flow(from first: [Float], to second: [Float], width: Int,
                     height: Int) throws -> [Float] {
        guard width >= 1, height >= 1, first.count == width * height,
              second.count == width * height else {
            throw MediaError(path: "", code: "bad-config", reason: "flow frames must hold "
                             + "\(width)×\(height) values, got \(first.count) and "
                             + "\(second.count)")
        }
        var extra = 0
        var scale = 1.0
        while extra < parameters.levels {
            scale *= parameters.pyramidScale
            if Double(width) * scale < Self.smallestLevel
                || Double(height) * scale < Self.smallestLevel { break }
            extra += 1
        }

        var flow: [Float] = []
        var previous = (width: 0, height: 0)
        for level in stride(from: extra, through: 0, by: -1) {
            let scale = (0..<level).reduce(1.0) { product, _ in product * parameters.pyramidScale }
            let size = (width: Int((Double(width) * scale).rounded(.toNearestOrEven)),
                        height: Int((Double(height) * scale).rounded(.toNearestOrEven)))
            if flow.isEmpty {
                flow = [Float](repeating: 0, count: size.width * size.height * 2)
            } else {
                let up = Float(1 / parameters.pyramidScale)
                flow = FlowPlane.resize(flow, width: previous.width, height: previous.height,
                                        channels: 2, toWidth: size.width, height: size.height)
                    .map { $0 * up }
            }
            let kernel = FlowPlane.smoothingKernel(scale: scale)
            let fits = [first, second].map { frame in
                expansion.expand(FlowPlane.resize(
                    FlowPlane.smooth(frame, width: width, height: height, kernel: kernel),
                    width: width, height: height, channels: 1, toWidth: size.width,
                    height: size.height), width: size.width, height: size.height)
            }
            for _ in 0..<parameters.iterations {
                let equations = Self.equations(fits[0], fits[1], flow: flow,
                                               width: size.width, height: size.height)
                flow = solve(equations, width: size.width, height: size.height)
            }
            previous = size
        }
        return flow
    }

    /// Per pixel the normal equations (Gxx, Gxy, Gyy, hx, hy) = (Aᵀ·A, Aᵀ·Δb) of the two fits
    /// under the displacement `flow`.
    static func equations(_ fit0: [Float], _ fit1: [Float], flow: [Float], width: Int,
                          height: Int) -> [Float] {
        var output = [Float](repeating: 0, count: width * height * 5)
        fit0.withUnsafeBufferPointer { r0 in fit1.withUnsafeBufferPointer { r1 in
            flow.withUnsafeBufferPointer { d in output.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let edgeY = edgeWeight(y, height)
                    for x in 0..<width {
                        let pixel = y * width + x
                        let dx = d[2 * pixel], dy = d[2 * pixel + 1]
                        let px = Float(x) + dx, py = Float(y) + dy
                        let fx0 = px.rounded(.down), fy0 = py.rounded(.down)
                        let own = pixel * 5
                        var bx2: Float = 0, by2: Float = 0
                        var axx = r0[own + 2], ayy = r0[own + 3], axy = r0[own + 4] * 0.5
                        if fx0 >= 0, fy0 >= 0, px <= Float(width - 1), py <= Float(height - 1) {
                            let ix = Int(fx0), iy = Int(fy0)
                            let u = px - fx0, v = py - fy0
                            let w00 = (1 - u) * (1 - v), w01 = u * (1 - v)
                            let w10 = (1 - u) * v, w11 = u * v
                            let a = (iy * width + ix) * 5
                            let b = (iy * width + min(ix + 1, width - 1)) * 5
                            let down = min(iy + 1, height - 1) - iy
                            let c = a + down * width * 5, e = b + down * width * 5
                            let sample = { (k: Int) -> Float in
                                w00 * r1[a + k] + w01 * r1[b + k] + w10 * r1[c + k]
                                    + w11 * r1[e + k]
                            }
                            bx2 = sample(0)
                            by2 = sample(1)
                            axx = (axx + sample(2)) * 0.5
                            ayy = (ayy + sample(3)) * 0.5
                            axy = (r0[own + 4] + sample(4)) * 0.25
                        }
                        var deltaX = (r0[own] - bx2) * 0.5 + axx * dx + axy * dy
                        var deltaY = (r0[own + 1] - by2) * 0.5 + axy * dx + ayy * dy
                        let weight = edgeWeight(x, width) * edgeY
                        if weight != 1 {
                            axx *= weight; ayy *= weight; axy *= weight
                            deltaX *= weight; deltaY *= weight
                        }
                        out[own] = axx * axx + axy * axy
                        out[own + 1] = (axx + ayy) * axy
                        out[own + 2] = ayy * ayy + axy * axy
                        out[own + 3] = axx * deltaX + axy * deltaY
                        out[own + 4] = axy * deltaX + ayy * deltaY
                    }
                }
            } }
        } }
        return output
    }

    /// The equation scale of coordinate `i` of `count`: the product of both edges' weights.
    private static func edgeWeight(_ i: Int, _ count: Int) -> Float {
        let near = edgeScale.count
        return (i < near ? edgeScale[i] : 1) * (i >= count - near ? edgeScale[count - 1 - i] : 1)
    }

    /// The displacement of every pixel from its equations averaged over the window×window box
    /// (edge pixels replicated): d = G⁻¹·h with 10⁻³ added to det G. The box sums run along
    /// columns (one row in, one out per step) and then along each row, in double precision.
    private func solve(_ equations: [Float], width: Int, height: Int) -> [Float] {
        let half = parameters.window / 2
        let scale = 1 / Double(parameters.window * parameters.window)
        let stride = width * 5
        var flow = [Float](repeating: 0, count: width * height * 2)
        // Column sums over the vertical window, padded by `half` replicated columns each side.
        var column = [Double](repeating: 0, count: (width + 2 * half) * 5)
        equations.withUnsafeBufferPointer { m in
            flow.withUnsafeMutableBufferPointer { out in
                column.withUnsafeMutableBufferPointer { padded in
                    let sums = UnsafeMutableBufferPointer(rebasing: padded[(half * 5)...])
                    for k in -half...half {
                        let row = min(max(k, 0), height - 1) * stride
                        for i in 0..<stride { sums[i] += Double(m[row + i]) }
                    }
                    for y in 0..<height {
                        if y > 0 {
                            let incoming = min(y + half, height - 1) * stride
                            let outgoing = max(y - half - 1, 0) * stride
                            for i in 0..<stride {
                                sums[i] += Double(m[incoming + i]) - Double(m[outgoing + i])
                            }
                        }
                        for pad in 0..<half {
                            for c in 0..<5 {
                                padded[pad * 5 + c] = padded[half * 5 + c]
                                padded[(width + half + pad) * 5 + c]
                                    = padded[(width + half - 1) * 5 + c]
                            }
                        }
                        Self.solveRow(padded, y: y, width: width, half: half, scale: scale,
                                      into: out)
                    }
                }
            }
        }
        return flow
    }

    /// One row of displacements from its padded column sums: a running sum of 2·half + 1
    /// columns, then the 2×2 solve.
    private static func solveRow(_ padded: UnsafeMutableBufferPointer<Double>, y: Int,
                                 width: Int, half: Int, scale: Double,
                                 into out: UnsafeMutableBufferPointer<Float>) {
        var (s0, s1, s2, s3, s4) = (0.0, 0.0, 0.0, 0.0, 0.0)
        for x in 0..<(2 * half) {
            s0 += padded[x * 5]; s1 += padded[x * 5 + 1]; s2 += padded[x * 5 + 2]
            s3 += padded[x * 5 + 3]; s4 += padded[x * 5 + 4]
        }
        for x in 0..<width {
            let incoming = (x + 2 * half) * 5, outgoing = x * 5
            s0 += padded[incoming]; s1 += padded[incoming + 1]; s2 += padded[incoming + 2]
            s3 += padded[incoming + 3]; s4 += padded[incoming + 4]
            let gxx = s0 * scale, gxy = s1 * scale, gyy = s2 * scale
            let hx = s3 * scale, hy = s4 * scale
            let inverse = 1 / (gxx * gyy - gxy * gxy + 1e-3)
            out[2 * (y * width + x)] = Float((gyy * hx - gxy * hy) * inverse)
            out[2 * (y * width + x) + 1] = Float((gxx * hy - gxy * hx) * inverse)
            s0 -= padded[outgoing]; s1 -= padded[outgoing + 1]; s2 -= padded[outgoing + 2]
            s3 -= padded[outgoing + 3]; s4 -= padded[outgoing + 4]
        }
    }
}
