import Tensor

/// Batch-first multi-head self-attention as in BERT: Q, K, V projections, scaled dot products
/// with an additive key mask, softmax, dropout on the probabilities, and an output projection.
///
/// Inputs are rows of `width` values, `length` consecutive rows per sequence ([B·L, width]).
/// Head h uses columns h·d..<(h + 1)·d of Q, K and V (d = width/heads), read in place with a
/// row stride of `width`. Parameter names follow the HuggingFace layout under `name`:
/// `name.self.{query,key,value}`, `name.output.dense`.
public final class MultiHeadAttention {
    /// The query projection [width, width].
    public let query: Linear
    /// The key projection [width, width].
    public let key: Linear
    /// The value projection [width, width].
    public let value: Linear
    /// The output projection [width, width]; its input columns are the heads' contexts.
    public let output: Linear
    /// Dropout on the attention probabilities.
    public let probabilityDropout: Dropout
    /// The model width.
    public let width: Int
    /// The number of heads.
    public let heads: Int
    /// Values per head (width / heads).
    public let headWidth: Int

    private struct Saved {
        let batch: Int
        let length: Int
        let queries: Tensor
        let keys: Tensor
        let values: Tensor
        /// Softmax outputs [B, heads, L, L], before dropout.
        let probabilities: [Float]
        /// The probabilities after dropout (those that weighted V).
        let dropped: [Float]
    }

    private var saved: Saved?

    /// Makes the layer; the projections are initialised as `Linear` with `standardDeviation`.
    public init(name: String, width: Int, heads: Int, dropout: Float,
                standardDeviation: Float? = nil, generator: inout SeededGenerator) {
        precondition(heads > 0 && width % heads == 0,
                     "\(name): width \(width) is not a multiple of \(heads) heads")
        query = Linear(name: name + ".self.query", inFeatures: width, outFeatures: width,
                       standardDeviation: standardDeviation, generator: &generator)
        key = Linear(name: name + ".self.key", inFeatures: width, outFeatures: width,
                     standardDeviation: standardDeviation, generator: &generator)
        value = Linear(name: name + ".self.value", inFeatures: width, outFeatures: width,
                       standardDeviation: standardDeviation, generator: &generator)
        output = Linear(name: name + ".output.dense", inFeatures: width, outFeatures: width,
                        standardDeviation: standardDeviation, generator: &generator)
        probabilityDropout = Dropout(probability: dropout, seed: generator.next())
        self.width = width
        self.heads = heads
        self.headWidth = width / heads
    }

    /// The additive mask of an attention mask: 0 where `mask` is non-zero (a token), and
    /// −3.4e38 (float32's lowest) where it is 0 (padding), as HuggingFace's BERT adds it.
    public static func additiveMask(_ mask: [UInt8]) -> [Float] {
        mask.map { $0 == 0 ? -Float.greatestFiniteMagnitude : 0 }
    }

    /// x [B·L, width] → [B·L, width]; `additiveMask` [B·L] is added to the scores of every
    /// query against key j of the same sequence. Keeps what `backward` needs.
    public func forward(_ x: Tensor, additiveMask: [Float], batch: Int, length: Int,
                        training: Bool) -> Tensor {
        precondition(x.shape == [batch * length, width],
                     "\(query.weight.name): expected [\(batch * length), \(width)], got \(x.shape)")
        precondition(additiveMask.count == batch * length,
                     "attention mask of \(additiveMask.count) values for \(batch)×\(length)")
        let queries = query.forward(x), keys = key.forward(x), values = value.forward(x)

        var probabilities = [Float](repeating: 0, count: batch * heads * length * length)
        probabilities.withUnsafeMutableBufferPointer { scores in
            queries.data.withUnsafeBufferPointer { q in
                keys.data.withUnsafeBufferPointer { k in
                    additiveMask.withUnsafeBufferPointer { m in
                        forEachHead(batch: batch) { b, h in
                            attentionScores(scores: pointer(scores), queries: pointer(q),
                                            keys: pointer(k), mask: pointer(m), batch: b,
                                            head: h, length: length)
                        }
                    }
                }
            }
        }

        let dropped = probabilityDropout.forward(
            Tensor(shape: [probabilities.count], data: probabilities), training: training).data
        let context = Tensor(shape: [batch * length, width]) { out in
            dropped.withUnsafeBufferPointer { p in
                values.data.withUnsafeBufferPointer { v in
                    forEachHead(batch: batch) { b, h in
                        let offset = b * length * width + h * headWidth
                        BLAS.gemm(transposeA: false, transposeB: false, m: length, n: headWidth,
                                  k: length, alpha: 1, a: pointer(p) + block(b, h, length),
                                  lda: length, b: pointer(v) + offset, ldb: width, beta: 0,
                                  c: pointer(out) + offset, ldc: width)
                    }
                }
            }
        }
        saved = Saved(batch: batch, length: length, queries: queries, keys: keys,
                      values: values, probabilities: probabilities, dropped: dropped)
        return output.forward(context)
    }

    /// Accumulates every projection's gradients from dy [B·L, width]; returns dx [B·L, width].
    public func backward(_ dy: Tensor) -> Tensor {
        guard let s = saved else {
            preconditionFailure("MultiHeadAttention.backward before forward")
        }
        let (batch, length) = (s.batch, s.length)
        let dContext = output.backward(dy)
        var dValues = Tensor(zeros: [batch * length, width])
        var dDropped = [Float](repeating: 0, count: s.probabilities.count)

        dContext.data.withUnsafeBufferPointer { dc in
            s.values.data.withUnsafeBufferPointer { v in
                s.dropped.withUnsafeBufferPointer { p in
                    dDropped.withUnsafeMutableBufferPointer { dp in
                        dValues.data.withUnsafeMutableBufferPointer { dv in
                            forEachHead(batch: batch) { b, h in
                                let offset = b * length * width + h * headWidth
                                let square = block(b, h, length)
                                BLAS.gemm(transposeA: false, transposeB: true, m: length,
                                          n: length, k: headWidth, alpha: 1,
                                          a: pointer(dc) + offset, lda: width,
                                          b: pointer(v) + offset, ldb: width, beta: 0,
                                          c: pointer(dp) + square, ldc: length)
                                BLAS.gemm(transposeA: true, transposeB: false, m: length,
                                          n: headWidth, k: length, alpha: 1,
                                          a: pointer(p) + square, lda: length,
                                          b: pointer(dc) + offset, ldb: width, beta: 0,
                                          c: pointer(dv) + offset, ldc: width)
                            }
                        }
                    }
                }
            }
        }

        var dScores = probabilityDropout.backward(
            Tensor(shape: [dDropped.count], data: dDropped)).data
        var dQueries = Tensor(zeros: [batch * length, width])
        var dKeys = Tensor(zeros: [batch * length, width])
        let scale = 1 / Float(headWidth).squareRoot()
        dScores.withUnsafeMutableBufferPointer { ds in
            s.probabilities.withUnsafeBufferPointer { p in
                s.queries.data.withUnsafeBufferPointer { q in
                    s.keys.data.withUnsafeBufferPointer { k in
                        dQueries.data.withUnsafeMutableBufferPointer { dq in
                            dKeys.data.withUnsafeMutableBufferPointer { dk in
                                forEachHead(batch: batch) { b, h in
                                    let offset = b * length * width + h * headWidth
                                    let square = pointer(ds) + block(b, h, length)
                                    SoftmaxKernel.backward(
                                        dInput: square, dOutput: square,
                                        output: pointer(p) + block(b, h, length),
                                        rows: length, width: length)
                                    BLAS.gemm(transposeA: false, transposeB: false, m: length,
                                              n: headWidth, k: length, alpha: scale,
                                              a: square, lda: length, b: pointer(k) + offset,
                                              ldb: width, beta: 0, c: pointer(dq) + offset,
                                              ldc: width)
                                    BLAS.gemm(transposeA: true, transposeB: false, m: length,
                                              n: headWidth, k: length, alpha: scale,
                                              a: square, lda: length, b: pointer(q) + offset,
                                              ldb: width, beta: 0, c: pointer(dk) + offset,
                                              ldc: width)
                                }
                            }
                        }
                    }
                }
            }
        }

        var dx = query.backward(dQueries)
        let fromKeys = key.backward(dKeys), fromValues = value.backward(dValues)
        for index in dx.data.indices {
            dx.data[index] += fromKeys.data[index] + fromValues.data[index]
        }
        return dx
    }

    /// The four projections' weights and biases (query, key, value, output).
    public var parameters: [Parameter] {
        query.parameters + key.parameters + value.parameters + output.parameters
    }

    /// The heads as maskable units: row blocks of the Q, K, V weights and column blocks of the
    /// output weight, one group (one draw) per projection.
    public func maskableGroups(modality: Int) -> [MaskableGroup] {
        [query, key, value].map {
            MaskableGroup(parameter: $0.weight, modality: modality,
                          layout: .leadingAxis(unitCount: heads))
        } + [MaskableGroup(parameter: output.weight, modality: modality,
                           layout: .trailingAxis(unitCount: heads))]
    }

    /// Softmax of (Q_bh·K_bhᵀ)/√d + mask for one sequence and head, into its [L, L] block.
    private func attentionScores(scores: UnsafeMutablePointer<Float>,
                                 queries: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                                 mask: UnsafePointer<Float>, batch b: Int, head h: Int,
                                 length: Int) {
        let offset = b * length * width + h * headWidth
        let square = scores + block(b, h, length)
        BLAS.gemm(transposeA: false, transposeB: true, m: length, n: length, k: headWidth,
                  alpha: 1 / Float(headWidth).squareRoot(), a: queries + offset, lda: width,
                  b: keys + offset, ldb: width, beta: 0, c: square, ldc: length)

        let keyMask = mask + b * length
        for i in 0..<length {
            let row = square + i * length
            for j in 0..<length { row[j] += keyMask[j] }
        }
        SoftmaxKernel.forward(output: square, input: square, rows: length, width: length)
    }

    /// The first value of the [L, L] block of sequence b, head h.
    @inline(__always)
    private func block(_ b: Int, _ h: Int, _ length: Int) -> Int {
        (b * heads + h) * length * length
    }

    /// Runs `body(b, h)` for every sequence and head, spread over `Parallel.workers` threads
    /// with single-threaded GEMMs.
    private func forEachHead(batch: Int, _ body: (Int, Int) -> Void) {
        let pairs = batch * heads
        let workers = min(Parallel.workers, pairs)
        guard workers > 1 else {
            for pair in 0..<pairs { body(pair / heads, pair % heads) }
            return
        }
        BLAS.withSingleThreadedCalls {
            Parallel.forEachWorker(workers) { worker in
                for pair in stride(from: worker, to: pairs, by: workers) {
                    body(pair / heads, pair % heads)
                }
            }
        }
    }
}
