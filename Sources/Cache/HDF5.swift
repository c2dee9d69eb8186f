import CHDF5
import Foundation

/// Process-wide access to the HDF5 library.
///
/// Debian's serial HDF5 build is not thread-safe, so every call into it from this module runs
/// under one lock. The library's own error printing is silenced; failures become `CacheError`s.
enum HDF5 {
    private static let lock = NSLock()
    private static let initialised: Bool = {
        H5open()
        amss_h5_silence_errors()
        return true
    }()

    /// Runs `body` while holding the HDF5 lock (H5open is called once before the first use).
    static func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        _ = initialised
        return try body()
    }

    /// Throws a `CacheError` when an HDF5 id is negative (the library's failure value).
    @discardableResult
    static func check(_ id: hid_t, _ path: String, _ what: String) throws -> hid_t {
        if id < 0 { throw CacheError(path: path, code: "hdf5", reason: "HDF5 could not \(what)") }
        return id
    }

    /// Throws a `CacheError` when an HDF5 status is negative.
    static func check(_ status: herr_t, _ path: String, _ what: String) throws {
        if status < 0 {
            throw CacheError(path: path, code: "hdf5", reason: "HDF5 could not \(what)")
        }
    }

    /// A variable-length UTF-8 string type (H5Tcopy of H5T_C_S1, H5Tset_size VARIABLE,
    /// H5Tset_cset UTF8); the caller closes it.
    static func utf8StringType() -> hid_t {
        let type = H5Tcopy(amss_h5t_c_s1())
        H5Tset_size(type, amss_h5t_variable())
        H5Tset_cset(type, H5T_CSET_UTF8)
        return type
    }
}
