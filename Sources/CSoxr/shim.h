// libsoxr's public header, plus the recipe constants that it defines as macros.
#ifndef AMSS_CSOXR_SHIM_H
#define AMSS_CSOXR_SHIM_H
#include <soxr.h>
#include <malloc.h>

/// SOXR_HQ (the quality librosa's default "soxr_hq" resampler asks for).
static inline unsigned long amss_soxr_hq(void) { return SOXR_HQ; }
/// SOXR_VHQ.
static inline unsigned long amss_soxr_vhq(void) { return SOXR_VHQ; }
/// SOXR_FLOAT32_I: interleaved float input and output.
static inline int amss_soxr_float32_i(void) { return SOXR_FLOAT32_I; }
/// mallopt(M_MMAP_THRESHOLD) then mallopt(M_TRIM_THRESHOLD): keeps libsoxr's per-resampler
/// tables (and other large per-clip buffers) in the heap; 1 when glibc accepted both.
static inline int amss_malloc_keep_large_blocks(int mmap_threshold, int trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1
        && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
}
#endif
