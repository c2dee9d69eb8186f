// FFTW 3 single precision, plus the planner flags it defines as macros.
#ifndef AMSS_CFFTW_SHIM_H
#define AMSS_CFFTW_SHIM_H
#include <fftw3.h>

/// FFTW_ESTIMATE: plan without measuring, so plans are deterministic and quick to make.
static inline unsigned amss_fftw_estimate(void) { return FFTW_ESTIMATE; }
/// FFTW_MEASURE.
static inline unsigned amss_fftw_measure(void) { return FFTW_MEASURE; }
/// The library's version string (a char array that Swift cannot import directly).
static inline const char *amss_fftwf_version(void) { return fftwf_version; }
#endif
