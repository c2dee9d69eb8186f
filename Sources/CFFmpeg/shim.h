// Headers of libavformat, libavcodec, libavutil and libswscale, plus inline wrappers for the
// values that the headers only define as macros (Swift cannot import function-like macros).
#ifndef AMSS_CFFMPEG_SHIM_H
#define AMSS_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>

/// AVERROR_EOF as a value.
static inline int amss_averror_eof(void) { return AVERROR_EOF; }
/// AVERROR(EAGAIN) as a value.
static inline int amss_averror_eagain(void) { return AVERROR(EAGAIN); }
/// AV_NOPTS_VALUE as a value.
static inline int64_t amss_av_nopts_value(void) { return AV_NOPTS_VALUE; }
/// AV_TIME_BASE as a value.
static inline int amss_av_time_base(void) { return AV_TIME_BASE; }
/// The library's message for an error code (av_strerror into a caller buffer).
static inline void amss_av_strerror(int code, char *buffer, size_t size) {
    av_strerror(code, buffer, size);
}
/// AVERROR_INVALIDDATA as a value.
static inline int amss_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
/// A decoded frame's duration in its time base (AVFrame.duration from libavutil 58 on,
/// pkt_duration before), or 0 when unknown.
static inline int64_t amss_frame_duration(const AVFrame *frame) {
#if LIBAVUTIL_VERSION_MAJOR >= 58
    return frame->duration;
#else
    return frame->pkt_duration;
#endif
}
#endif
