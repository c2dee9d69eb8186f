import CHDF5
import Foundation

/// Reads datasets of one HDF5 shard, whole or one sample at a time.
///
/// The file stays open for the reader's lifetime (H5Fopen read-only; H5Fclose in deinit). Every
/// call holds the module's HDF5 lock, so readers may be used from any thread.
public final class ShardReader {
    /// The shard's path.
    public let path: String
    /// The number of samples (the length of `ids`).
    public let sampleCount: Int
    private let file: hid_t
    /// Datasets kept open for per-sample reads, by name (guarded by the HDF5 lock).
    private var slabs: [String: OpenSlab] = [:]

    /// The open HDF5 file id, for extensions in this module.
    var fileID: hid_t { file }

    /// Opens the shard at `path`.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CacheError(path: path, code: "missing", reason: "no shard file at this path")
        }
        self.path = path
        let opened = try HDF5.locked {
            try HDF5.check(H5Fopen(path, amss_h5f_acc_rdonly(), amss_h5p_default()),
                           path, "open the file as HDF5")
        }
        file = opened
        do {
            sampleCount = try ShardReader.extent(file: opened, dataset: "ids", path: path)
                .first ?? 0
        } catch {
            HDF5.locked { _ = H5Fclose(opened) }
            throw error
        }
    }

    deinit {
        HDF5.locked {
            for slab in slabs.values { slab.close() }
            _ = H5Fclose(file)
        }
    }

    /// Whether the shard has a dataset called `name` (H5Lexists).
    public func hasDataset(_ name: String) -> Bool {
        HDF5.locked { H5Lexists(file, name, amss_h5p_default()) > 0 }
    }

    /// The full shape of dataset `name`.
    public func shape(of name: String) throws -> [Int] {
        try HDF5.locked { try ShardReader.extent(file: file, dataset: name, path: path) }
    }

    /// The sample ids (variable-length UTF-8 strings).
    public func ids() throws -> [String] {
        try HDF5.locked {
            let dataset = try open("ids")
            defer { H5Dclose(dataset) }
            let type = HDF5.utf8StringType()
            defer { H5Tclose(type) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: sampleCount)
            let status = pointers.withUnsafeMutableBytes { buffer in
                H5Dread(dataset, type, amss_h5s_all(), amss_h5s_all(), amss_h5p_default(),
                        buffer.baseAddress)
            }
            try HDF5.check(status, path, "read dataset ids")
            let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
            let space = H5Dget_space(dataset)
            defer { H5Sclose(space) }
            pointers.withUnsafeMutableBytes { buffer in
                _ = H5Dvlen_reclaim(type, space, amss_h5p_default(), buffer.baseAddress)
            }
            return strings
        }
    }

    /// A whole int64 dataset such as `label`.
    public func int64Column(_ name: String) throws -> [Int64] {
        try readAll(name, as: Int64.self, type: amss_h5t_native_int64())
    }

    /// A whole int32 dataset such as `frame_count`.
    public func int32Column(_ name: String) throws -> [Int32] {
        try readAll(name, as: Int32.self, type: amss_h5t_native_int32())
    }

    /// A whole float32 dataset.
    public func float32Column(_ name: String) throws -> [Float] {
        try readAll(name, as: Float.self, type: amss_h5t_native_float())
    }

    /// One sample's slab of a float32 dataset, e.g. `audio` → [F·T].
    public func readFloat32(_ name: String, sample: Int) throws -> [Float] {
        try readSample(name, sample: sample, as: Float.self, type: amss_h5t_native_float())
    }

    /// A whole uint8 dataset, e.g. `attention_mask` → [N·L].
    public func uint8Column(_ name: String) throws -> [UInt8] {
        try readAll(name, as: UInt8.self, type: amss_h5t_native_uint8())
    }

    /// One sample's slab of a uint8 dataset, e.g. `frames` → [T·H·W·3].
    public func readUInt8(_ name: String, sample: Int) throws -> [UInt8] {
        try readSample(name, sample: sample, as: UInt8.self, type: amss_h5t_native_uint8())
    }

    /// A root-group string attribute, scalar or list (H5Aopen + H5Aread).
    public func stringAttribute(_ name: String) throws -> [String] {
        try HDF5.locked {
            let attribute = try HDF5.check(H5Aopen(file, name, amss_h5p_default()), path,
                                           "open attribute \(name)")
            defer { H5Aclose(attribute) }
            let space = H5Aget_space(attribute)
            defer { H5Sclose(space) }
            let count = max(1, Int(H5Sget_simple_extent_npoints(space)))
            let type = HDF5.utf8StringType()
            defer { H5Tclose(type) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBytes {
                H5Aread(attribute, type, $0.baseAddress)
            }
            try HDF5.check(status, path, "read attribute \(name)")
            let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
            pointers.withUnsafeMutableBytes { buffer in
                _ = H5Dvlen_reclaim(type, space, amss_h5p_default(), buffer.baseAddress)
            }
            return strings
        }
    }

    // MARK: - Internals

    private func open(_ name: String) throws -> hid_t {
        guard H5Lexists(file, name, amss_h5p_default()) > 0 else {
            throw CacheError(path: path, code: "schema", reason: "shard has no dataset \(name)")
        }
        return try HDF5.check(H5Dopen2(file, name, amss_h5p_default()), path, "open \(name)")
    }

    private static func extent(file: hid_t, dataset name: String, path: String) throws -> [Int] {
        guard H5Lexists(file, name, amss_h5p_default()) > 0 else {
            throw CacheError(path: path, code: "schema", reason: "shard has no dataset \(name)")
        }
        let dataset = try HDF5.check(H5Dopen2(file, name, amss_h5p_default()), path,
                                     "open \(name)")
        defer { H5Dclose(dataset) }
        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.prefix(rank).map { Int($0) }
    }

    private func readAll<T: Numeric>(_ name: String, as: T.Type, type: hid_t) throws -> [T] {
        try HDF5.locked {
            let count = try ShardReader.extent(file: file, dataset: name, path: path)
                .reduce(1, *)
            let dataset = try open(name)
            defer { H5Dclose(dataset) }
            var values = [T](repeating: 0, count: count)
            let status = values.withUnsafeMutableBytes { buffer in
                H5Dread(dataset, type, amss_h5s_all(), amss_h5s_all(), amss_h5p_default(),
                        buffer.baseAddress)
            }
            try HDF5.check(status, path, "read dataset \(name)")
            return values
        }
    }

    /// Reads the hyperslab [sample, 0…] of `name` (H5Sselect_hyperslab + H5Dread) into an
    /// uninitialised array; the dataset stays open for the next sample.
    private func readSample<T: Numeric>(_ name: String, sample: Int, as: T.Type,
                                        type: hid_t) throws -> [T] {
        try HDF5.locked {
            let slab = try openSlab(name)
            guard sample >= 0, sample < slab.count else {
                throw CacheError(path: path, code: "schema", reason: "sample \(sample) is "
                                 + "outside dataset \(name) \(slab.shape)")
            }
            var start = [hsize_t](repeating: 0, count: slab.shape.count)
            start[0] = hsize_t(sample)
            var extent = slab.shape.map { hsize_t($0) }
            extent[0] = 1
            H5Sselect_hyperslab(slab.fileSpace, H5S_SELECT_SET, &start, nil, &extent, nil)
            var status: herr_t = 0
            let values = [T](unsafeUninitializedCapacity: slab.valuesPerSample) { buffer, count in
                status = H5Dread(slab.dataset, type, slab.memorySpace, slab.fileSpace,
                                 amss_h5p_default(), buffer.baseAddress)
                count = slab.valuesPerSample
            }
            try HDF5.check(status, path, "read sample \(sample) of \(name)")
            return values
        }
    }

    /// The open dataset `name` with its file space and a one-sample memory space, opened on
    /// first use (H5Dopen2, H5Dget_space, H5Screate_simple); call under the HDF5 lock.
    private func openSlab(_ name: String) throws -> OpenSlab {
        if let slab = slabs[name] { return slab }
        let shape = try ShardReader.extent(file: file, dataset: name, path: path)
        guard !shape.isEmpty else {
            throw CacheError(path: path, code: "schema", reason: "dataset \(name) is a scalar")
        }
        let dataset = try open(name)
        var extent = shape.map { hsize_t($0) }
        extent[0] = 1
        let slab = OpenSlab(dataset: dataset, fileSpace: H5Dget_space(dataset),
                            memorySpace: H5Screate_simple(Int32(extent.count), &extent, nil),
                            shape: shape)
        slabs[name] = slab
        return slab
    }
}
