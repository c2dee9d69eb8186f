import CSndFile
import Foundation

/// An open libsndfile handle; `deinit` closes it.
final class AudioSoundFile {
    /// The path the handle was opened from, for error messages.
    let path: String
    /// The header as libsndfile parsed it.
    let info: SF_INFO
    /// Problems found in the header or while decoding that did not stop decoding.
    var warnings: [AudioWarning] = []
    /// Interleaved samples decoded per `sf_readf_float` call when mixing channels down.
    static let scratchSamples = 1 << 16
    /// Scratch space for interleaved frames of a multichannel file.
    var interleaved: [Float] = []
    /// Scratch space for interleaved 16-bit frames.
    var shorts: [Int16] = []
    private let handle: OpaquePointer
    /// The bytes libsndfile reads, when it reads from memory: held here for the handle's life,
    /// since libsndfile keeps only an unretained pointer to them.
    private let memory: AudioMemoryFile?

    /// Opens `path` for reading with its format detected from the header (calls `sf_open` with
    /// `SFM_READ`); throws `OpenFailure` with libsndfile's reason when it cannot parse the file.
    init(readingFrom path: String) throws {
        var info = SF_INFO()
        let handle = try AudioSoundFile.opening(path) { sf_open(path, Int32(SFM_READ), &info) }
        self.path = path
        self.info = info
        self.handle = handle
        memory = nil
    }

    /// Opens the whole file `bytes` read from `path` the same way, libsndfile reading them from
    /// memory (calls `sf_open_virtual` with `AudioMemoryFile`'s callbacks).
    init(readingFrom path: String, bytes: [UInt8]) throws {
        let memory = AudioMemoryFile(bytes: bytes)
        var info = SF_INFO()
        var callbacks = AudioMemoryFile.callbacks
        let handle = try AudioSoundFile.opening(path) {
            sf_open_virtual(&callbacks, Int32(SFM_READ), &info,
                            Unmanaged.passUnretained(memory).toOpaque())
        }
        self.path = path
        self.info = info
        self.handle = handle
        self.memory = memory
    }

    /// Opens the file behind `descriptor`, read from its offset 0, the same way (calls
    /// `sf_open_fd`, which closes the descriptor with the handle, or at once when it fails).
    init(readingFrom path: String, descriptor: Int32) throws {
        var info = SF_INFO()
        let handle = try AudioSoundFile.opening(path) {
            sf_open_fd(descriptor, Int32(SFM_READ), &info, Int32(SF_TRUE))
        }
        self.path = path
        self.info = info
        self.handle = handle
        memory = nil
    }

    /// Why libsndfile could not open a file, read while the failed open still held
    /// libsndfile's process-wide error state.
    struct OpenFailure: Error {
        /// The file that did not open.
        let path: String
        /// libsndfile's message (`sf_strerror(NULL)`).
        let message: String
        /// Whether libsndfile knew the format but refused the file (any error other than
        /// `SF_ERR_UNRECOGNISED_FORMAT`).
        let recognised: Bool

        /// `not-audio` with libsndfile's message, for a file opened for reading.
        var notAudio: MediaError {
            MediaError(path: path, code: "not-audio",
                       reason: "libsndfile cannot read it as audio: \(message)")
        }
    }

    /// Serialises every `sf_open*` call with the reading of its error: libsndfile reports why an
    /// open failed in one process-wide variable (`sf_error(NULL)`), which an open on another
    /// thread resets, so an unguarded read can name another file's fault or "No Error.".
    private static let openLock = NSLock()

    /// Runs `open` under the open lock; when it gives no handle, throws `OpenFailure` with the
    /// reason libsndfile gives for it (`sf_error(NULL)`, `sf_strerror(NULL)`).
    private static func opening(_ path: String, _ open: () -> OpaquePointer?) throws
        -> OpaquePointer {
        openLock.lock()
        defer { openLock.unlock() }
        if let handle = open() { return handle }

        let code = sf_error(nil)
        throw OpenFailure(path: path, message: String(cString: sf_strerror(nil)),
                          recognised: code != Int32(SF_ERR_UNRECOGNISED_FORMAT))
    }

    /// Creates `path` for writing in `format` (calls `sf_format_check` and `sf_open` with
    /// `SFM_WRITE`), with clipping of out-of-range floats turned on (`SFC_SET_CLIPPING`).
    init(writingTo path: String, sampleRate: Int, channels: Int, format: Int32) throws {
        var info = SF_INFO()
        info.samplerate = Int32(clamping: sampleRate)
        info.channels = Int32(clamping: channels)
        info.format = format
        guard sf_format_check(&info) != 0 else {
            throw MediaError(path: path, code: "write-failed",
                             reason: "libsndfile rejects format 0x\(String(format, radix: 16)) "
                                + "at \(sampleRate) Hz with \(channels) channel(s)")
        }
        let handle: OpaquePointer
        do {
            handle = try AudioSoundFile.opening(path) { sf_open(path, Int32(SFM_WRITE), &info) }
        } catch let failure as OpenFailure {
            throw MediaError(path: path, code: "write-failed",
                             reason: "libsndfile cannot create the file: \(failure.message)")
        }
        _ = sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        self.path = path
        self.info = info
        self.handle = handle
        memory = nil
    }

    deinit {
        sf_close(handle)
    }

    /// Reads up to `frames` interleaved frames into `buffer` (calls `sf_readf_float`); returns
    /// the number of frames read, 0 at the end of the data.
    func readFrames(into buffer: UnsafeMutablePointer<Float>, frames: Int) -> Int {
        Int(sf_readf_float(handle, buffer, sf_count_t(frames)))
    }

    /// Reads up to `frames` interleaved 16-bit frames into `buffer` (calls `sf_readf_short`);
    /// returns the number of frames read, 0 at the end of the data.
    func readFrames(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Int {
        Int(sf_readf_short(handle, buffer, sf_count_t(frames)))
    }

    /// Writes `frames` interleaved frames (calls `sf_writef_float`); returns the frames written.
    func writeFrames(_ buffer: UnsafePointer<Float>, frames: Int) -> Int {
        Int(sf_writef_float(handle, buffer, sf_count_t(frames)))
    }

    /// libsndfile's last error on this handle, or nil when there is none (calls `sf_error` and
    /// `sf_strerror`).
    var lastError: String? {
        guard sf_error(handle) != 0 else { return nil }
        return String(cString: sf_strerror(handle))
    }

    /// The container and encoding as `MAJOR SUBTYPE`, such as `WAV PCM_16`.
    var formatName: String {
        let major = Int(info.format) & Int(SF_FORMAT_TYPEMASK)
        let minor = Int(info.format) & Int(SF_FORMAT_SUBMASK)
        let majorName = AudioSoundFile.majorNames[major] ?? "0x" + String(major, radix: 16)
        let minorName = AudioSoundFile.subtypeNames[minor] ?? "0x" + String(minor, radix: 16)
        return "\(majorName) \(minorName)"
    }

    /// Sample encodings that hold integers (`SF_FORMAT_PCM_*`, `ULAW`, `ALAW`).
    static let integerSubtypes: Set<Int> = [
        Int(SF_FORMAT_PCM_S8), Int(SF_FORMAT_PCM_16), Int(SF_FORMAT_PCM_24),
        Int(SF_FORMAT_PCM_32), Int(SF_FORMAT_PCM_U8), Int(SF_FORMAT_ULAW), Int(SF_FORMAT_ALAW),
    ]

    private static let majorNames: [Int: String] = [
        Int(SF_FORMAT_WAV): "WAV", Int(SF_FORMAT_AIFF): "AIFF", Int(SF_FORMAT_AU): "AU",
        Int(SF_FORMAT_RAW): "RAW", Int(SF_FORMAT_PAF): "PAF", Int(SF_FORMAT_SVX): "SVX",
        Int(SF_FORMAT_NIST): "NIST", Int(SF_FORMAT_VOC): "VOC", Int(SF_FORMAT_IRCAM): "IRCAM",
        Int(SF_FORMAT_W64): "W64", Int(SF_FORMAT_MAT4): "MAT4", Int(SF_FORMAT_MAT5): "MAT5",
        Int(SF_FORMAT_PVF): "PVF", Int(SF_FORMAT_XI): "XI", Int(SF_FORMAT_HTK): "HTK",
        Int(SF_FORMAT_SDS): "SDS", Int(SF_FORMAT_AVR): "AVR", Int(SF_FORMAT_WAVEX): "WAVEX",
        Int(SF_FORMAT_SD2): "SD2", Int(SF_FORMAT_FLAC): "FLAC", Int(SF_FORMAT_CAF): "CAF",
        Int(SF_FORMAT_WVE): "WVE", Int(SF_FORMAT_OGG): "OGG", Int(SF_FORMAT_MPC2K): "MPC2K",
        Int(SF_FORMAT_RF64): "RF64", Int(SF_FORMAT_MPEG): "MPEG",
    ]

    private static let subtypeNames: [Int: String] = [
        Int(SF_FORMAT_PCM_S8): "PCM_S8", Int(SF_FORMAT_PCM_16): "PCM_16",
        Int(SF_FORMAT_PCM_24): "PCM_24", Int(SF_FORMAT_PCM_32): "PCM_32",
        Int(SF_FORMAT_PCM_U8): "PCM_U8", Int(SF_FORMAT_FLOAT): "FLOAT",
        Int(SF_FORMAT_DOUBLE): "DOUBLE", Int(SF_FORMAT_ULAW): "ULAW",
        Int(SF_FORMAT_ALAW): "ALAW", Int(SF_FORMAT_IMA_ADPCM): "IMA_ADPCM",
        Int(SF_FORMAT_MS_ADPCM): "MS_ADPCM", Int(SF_FORMAT_GSM610): "GSM610",
        Int(SF_FORMAT_VOX_ADPCM): "VOX_ADPCM", Int(SF_FORMAT_G721_32): "G721_32",
        Int(SF_FORMAT_G723_24): "G723_24", Int(SF_FORMAT_G723_40): "G723_40",
        Int(SF_FORMAT_DWVW_12): "DWVW_12", Int(SF_FORMAT_DWVW_16): "DWVW_16",
        Int(SF_FORMAT_DWVW_24): "DWVW_24", Int(SF_FORMAT_DWVW_N): "DWVW_N",
        Int(SF_FORMAT_DPCM_8): "DPCM_8", Int(SF_FORMAT_DPCM_16): "DPCM_16",
        Int(SF_FORMAT_VORBIS): "VORBIS", Int(SF_FORMAT_OPUS): "OPUS",
        Int(SF_FORMAT_ALAC_16): "ALAC_16", Int(SF_FORMAT_ALAC_20): "ALAC_20",
        Int(SF_FORMAT_ALAC_24): "ALAC_24", Int(SF_FORMAT_ALAC_32): "ALAC_32",
        Int(SF_FORMAT_MPEG_LAYER_I): "MPEG_LAYER_I",
        Int(SF_FORMAT_MPEG_LAYER_II): "MPEG_LAYER_II",
        Int(SF_FORMAT_MPEG_LAYER_III): "MPEG_LAYER_III",
    ]
}
