import CFFmpeg

/// Turns libav status codes into `MediaError` values with the library's own message.
enum AVError {
    /// AVERROR_EOF.
    static let endOfFile = amss_averror_eof()
    /// AVERROR(EAGAIN).
    static let again = amss_averror_eagain()
    /// AVERROR_INVALIDDATA.
    static let invalidData = amss_averror_invaliddata()

    /// The library's message for a negative status code (av_strerror).
    static func message(_ status: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        amss_av_strerror(status, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A `MediaError` saying that the libav call `call` failed with `status`.
    static func error(path: String, code: String, call: String, status: Int32) -> MediaError {
        MediaError(path: path, code: code, reason: "\(call) failed: \(message(status))")
    }

    /// Throws a `MediaError` when `status` is negative, otherwise returns it.
    @discardableResult
    static func check(_ status: Int32, path: String, code: String, call: String) throws -> Int32 {
        if status < 0 {
            throw error(path: path, code: code, call: call, status: status)
        }
        return status
    }
}
