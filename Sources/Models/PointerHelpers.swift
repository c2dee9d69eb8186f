import Tensor

/// The base address of a buffer that callers have checked to be non-empty.
@inline(__always)
func pointer<T>(_ buffer: UnsafeBufferPointer<T>) -> UnsafePointer<T> {
    guard let base = buffer.baseAddress else { preconditionFailure("empty buffer") }
    return base
}

/// The base address of a mutable buffer that callers have checked to be non-empty.
@inline(__always)
func pointer<T>(_ buffer: UnsafeMutableBufferPointer<T>) -> UnsafeMutablePointer<T> {
    guard let base = buffer.baseAddress else { preconditionFailure("empty buffer") }
    return base
}

/// The mutable pointer of an optional tensor's values, or nil, for the duration of `body`.
@inline(__always)
func withOptionalPointer<R>(_ tensor: inout Tensor?,
                            _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard var value = tensor else { return body(nil) }
    tensor = nil
    defer { tensor = value }
    return value.data.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
