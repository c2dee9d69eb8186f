import CFFTW
import CFFmpeg
import CSndFile
import CSoxr

/// Versions of the libraries whose output numbers a cache depends on.
public enum MediaLibraries {
    /// Library name → version, e.g. `libsoxr` → `libsoxr-0.1.3`.
    ///
    /// Calls soxr_version, amss_fftwf_version (fftwf_version), sf_version_string,
    /// avformat_version, avcodec_version, avutil_version and swscale_version.
    public static var versions: [String: String] {
        [
            "libsoxr": String(cString: soxr_version()),
            "fftw3f": String(cString: amss_fftwf_version()),
            "libsndfile": String(cString: sf_version_string()),
            "libavformat": dotted(avformat_version()),
            "libavcodec": dotted(avcodec_version()),
            "libavutil": dotted(avutil_version()),
            "libswscale": dotted(swscale_version()),
        ]
    }

    /// An FFmpeg `AV_VERSION_INT` as `major.minor.micro`.
    private static func dotted(_ version: UInt32) -> String {
        "\(version >> 16).\((version >> 8) & 0xff).\(version & 0xff)"
    }
}
