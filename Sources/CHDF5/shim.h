// HDF5 (Debian's serial build), plus inline wrappers for the type and property-list ids that
// the headers define as macros over global variables initialised by H5open.
#ifndef AMSS_CHDF5_SHIM_H
#define AMSS_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t amss_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t amss_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t amss_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t amss_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t amss_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t amss_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t amss_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t amss_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t amss_h5t_std_u8le(void) { return H5T_STD_U8LE; }
static inline hid_t amss_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t amss_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t amss_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t amss_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t amss_h5p_dataset_xfer(void) { return H5P_DATASET_XFER; }
static inline hid_t amss_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t amss_h5s_all(void) { return H5S_ALL; }
static inline size_t amss_h5t_variable(void) { return H5T_VARIABLE; }
static inline unsigned amss_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned amss_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
/// Silence HDF5's automatic error stack printing; callers report errors themselves.
static inline void amss_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
#endif
