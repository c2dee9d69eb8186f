/// Global average pooling of an NCHW batch over its spatial axes.
///
/// Shapes: input [N·C, plane] (plane = H·W), output [N·C] (i.e. [N, C]).
public enum GlobalAveragePoolKernel {
    /// out[r] = Σ_k inp[r, k] / plane for each of the `rows` = N·C planes.
    public static func forward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                               rows: Int, plane: Int) {
        for r in 0..<rows {
            var sum: Float = 0
            let source = input + r * plane
            for k in 0..<plane { sum += source[k] }
            output[r] = sum / Float(plane)
        }
    }

    /// dinp[r, k] = dout[r] / plane (overwritten).
    public static func backward(dInput: UnsafeMutablePointer<Float>,
                                dOutput: UnsafePointer<Float>, rows: Int, plane: Int) {
        for r in 0..<rows {
            (dInput + r * plane).update(repeating: dOutput[r] / Float(plane), count: plane)
        }
    }
}
