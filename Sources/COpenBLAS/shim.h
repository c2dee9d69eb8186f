// OpenBLAS's CBLAS interface (Debian's pthread build).
#ifndef AMSS_COPENBLAS_SHIM_H
#define AMSS_COPENBLAS_SHIM_H
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
