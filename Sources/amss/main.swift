import CFFmpeg
import CSndFile
import CSoxr
import CFFTW
import CHDF5
import COpenBLAS
print(String(cString: avformat_configuration()).prefix(10))
print(String(cString: sf_version_string()))
print(String(cString: soxr_version()))
print(amss_h5t_native_float())
print(openblas_get_num_threads())
let p = fftwf_plan_dft_r2c_1d(512, nil, nil, amss_fftw_estimate())
print(p != nil)
