// libsndfile's public header.
#ifndef AMSS_CSNDFILE_SHIM_H
#define AMSS_CSNDFILE_SHIM_H
#include <sndfile.h>
#endif
