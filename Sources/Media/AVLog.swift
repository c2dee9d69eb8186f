import CFFmpeg

/// Quiets libav's own console logging once per process.
///
/// Problems reach the caller as `MediaError` values carrying av_strerror's message, so libav's
/// stderr lines would only repeat them (and would clutter `prep` output on damaged datasets).
enum AVLog {
    /// Sets the libav log level to quiet, once (av_log_set_level(AV_LOG_QUIET)).
    static func silence() {
        _ = quieted
    }

    private static let quieted: Void = {
        av_log_set_level(AV_LOG_QUIET)
    }()
}
