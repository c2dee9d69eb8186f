import Tensor

/// A problem with saved BN running statistics.
public struct BufferError: Error, CustomStringConvertible {
    /// The buffer's name, e.g. `audio.layer1.0.bn1.running_mean`.
    public let name: String
    /// What was wrong.
    public let reason: String

    /// Makes an error.
    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    /// A one-line message naming the buffer and the reason.
    public var description: String { "buffer \(name): \(reason)" }
}

extension ConvolutionalBackbone {
    /// BN running statistics by name (`<bn>.running_mean`, `<bn>.running_var`), for
    /// checkpoints. Setting applies every entry whose name and length match and ignores the
    /// others; `loadBuffers` reports them instead.
    public var buffers: [String: [Float]] {
        get {
            var values: [String: [Float]] = [:]
            for norm in norms {
                values[norm.name + ".running_mean"] = norm.runningMean
                values[norm.name + ".running_var"] = norm.runningVariance
            }
            return values
        }
        set {
            for norm in norms {
                if let mean = newValue[norm.name + ".running_mean"], mean.count == norm.channels {
                    norm.runningMean = mean
                }
                if let variance = newValue[norm.name + ".running_var"],
                   variance.count == norm.channels {
                    norm.runningVariance = variance
                }
            }
        }
    }

    /// Sets every BN running statistic from `values`, which must hold each of this encoder's
    /// buffers with the right length; nothing is changed when one is missing or wrong.
    public func loadBuffers(_ values: [String: [Float]]) throws {
        for norm in norms {
            for suffix in [".running_mean", ".running_var"] {
                let key = norm.name + suffix
                guard let value = values[key] else {
                    throw BufferError(name: key, reason: "missing")
                }
                guard value.count == norm.channels else {
                    throw BufferError(name: key, reason: "expected \(norm.channels) values, "
                                      + "found \(value.count)")
                }
            }
        }
        buffers = values
    }
}
