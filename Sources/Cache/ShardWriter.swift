import CHDF5
import Foundation

/// Writes one HDF5 shard atomically: to `<path>.tmp`, flushed and fsynced, then renamed.
///
/// Readers never see a half-written file under the final name. Datasets are chunked one sample
/// per chunk (reading a sample touches one chunk per dataset), optionally deflate-compressed, and
/// carry no object timestamps so the same contents give the same bytes.
public enum ShardWriter {
    /// Writes `ids` (variable-length UTF-8) and `columns` with file attributes to `path`.
    ///
    /// - Parameters:
    ///   - path: The final shard path; its folder must exist.
    ///   - ids: The sample ids, one per sample.
    ///   - columns: The datasets; each `shape[0]` must equal `ids.count`.
    ///   - attributes: String attributes on the root group (schema version, config key, …).
    ///   - listAttributes: String-list attributes on the root group (class names).
    ///   - deflateLevel: 0 for none, 1–9 for deflate.
    public static func write(to path: String, ids: [String], columns: [ShardColumn],
                             attributes: [String: String] = [:],
                             listAttributes: [String: [String]] = [:],
                             deflateLevel: Int = 0) throws {
        try validate(path: path, ids: ids, columns: columns)
        let temporary = path + ".tmp"
        unlink(temporary)

        try HDF5.locked {
            let file = try HDF5.check(
                H5Fcreate(temporary, amss_h5f_acc_trunc(), fileCreationList(), amss_h5p_default()),
                temporary, "create the file")
            var closed = false
            defer { if !closed { H5Fclose(file) } }
            try writeStrings(ids, named: "ids", in: file, path: temporary)
            for column in columns {
                try writeColumn(column, in: file, path: temporary, deflateLevel: deflateLevel)
            }
            for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
                try writeStringAttribute(key, [value], scalar: true, on: file, path: temporary)
            }
            for (key, values) in listAttributes.sorted(by: { $0.key < $1.key }) {
                try writeStringAttribute(key, values, scalar: false, on: file, path: temporary)
            }
            try HDF5.check(H5Fflush(file, H5F_SCOPE_GLOBAL), temporary, "flush the file")
            closed = true
            try HDF5.check(H5Fclose(file), temporary, "close the file")
        }

        try AtomicFile.syncAndRename(temporary, to: path)
    }

    // MARK: - Internals

    private static func validate(path: String, ids: [String], columns: [ShardColumn]) throws {
        for column in columns {
            let expected = column.shape.reduce(1, *)
            guard column.shape.first == ids.count, expected == column.values.count else {
                throw CacheError(path: path, code: "schema", reason: "dataset \(column.name) "
                    + "has shape \(column.shape) and \(column.values.count) values for "
                    + "\(ids.count) samples")
            }
        }
    }

    /// A file-creation property list without object time tracking (H5Pset_obj_track_times).
    private static func fileCreationList() -> hid_t {
        let list = H5Pcreate(amss_h5p_file_create())
        H5Pset_obj_track_times(list, false)
        return list
    }

    /// A dataset-creation list: one chunk per sample, no timestamps, optional deflate.
    private static func datasetCreationList(shape: [Int], deflateLevel: Int) -> hid_t {
        let list = H5Pcreate(amss_h5p_dataset_create())
        H5Pset_obj_track_times(list, false)
        guard let count = shape.first, count > 0 else { return list }
        var chunk = shape.map { hsize_t(max($0, 1)) }
        chunk[0] = 1
        H5Pset_chunk(list, Int32(chunk.count), &chunk)
        if deflateLevel > 0 { H5Pset_deflate(list, UInt32(min(deflateLevel, 9))) }
        return list
    }

    private static func writeColumn(_ column: ShardColumn, in file: hid_t, path: String,
                                    deflateLevel: Int) throws {
        var dims = column.shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), &dims, nil)
        defer { H5Sclose(space) }
        let (fileType, memoryType) = types(of: column.values)
        defer { if case .float16 = column.values { H5Tclose(fileType) } }
        let creation = datasetCreationList(shape: column.shape, deflateLevel: deflateLevel)
        defer { H5Pclose(creation) }
        let dataset = try HDF5.check(
            H5Dcreate2(file, column.name, fileType, space, amss_h5p_default(), creation,
                       amss_h5p_default()), path, "create dataset \(column.name)")
        defer { H5Dclose(dataset) }

        let status: herr_t
        switch column.values {
        case .float32(let values): status = write(values, dataset, memoryType)
        case .uint8(let values): status = write(values, dataset, memoryType)
        case .int32(let values): status = write(values, dataset, memoryType)
        case .int64(let values): status = write(values, dataset, memoryType)
        case .float16(let values): status = write(values, dataset, memoryType)
        }
        try HDF5.check(status, path, "write dataset \(column.name)")

        for (key, value) in column.attributes.sorted(by: { $0.key < $1.key }) {
            try writeStringAttribute(key, [value], scalar: true, on: dataset, path: path)
        }
    }

    private static func write<T>(_ values: [T], _ dataset: hid_t, _ type: hid_t) -> herr_t {
        values.withUnsafeBytes { buffer in
            H5Dwrite(dataset, type, amss_h5s_all(), amss_h5s_all(), amss_h5p_default(),
                     buffer.baseAddress)
        }
    }

    /// The little-endian file type and native memory type of a column.
    private static func types(of values: ShardColumn.Values) -> (hid_t, hid_t) {
        switch values {
        case .float32: return (amss_h5t_ieee_f32le(), amss_h5t_native_float())
        case .uint8: return (amss_h5t_std_u8le(), amss_h5t_native_uint8())
        case .int32: return (amss_h5t_std_i32le(), amss_h5t_native_int32())
        case .int64: return (amss_h5t_std_i64le(), amss_h5t_native_int64())
        case .float16:
            let half = halfType()
            return (half, half)
        }
    }

    /// A little-endian IEEE binary16 type, the layout h5py reads as float16 (H5Tcopy of
    /// H5T_IEEE_F32LE, then H5Tset_fields, H5Tset_precision, H5Tset_size, H5Tset_ebias); the
    /// caller closes it.
    private static func halfType() -> hid_t {
        let type = H5Tcopy(amss_h5t_ieee_f32le())
        H5Tset_fields(type, 15, 10, 5, 0, 10)
        H5Tset_precision(type, 16)
        H5Tset_size(type, 2)
        H5Tset_ebias(type, 15)
        return type
    }

    private static func writeStrings(_ strings: [String], named name: String, in file: hid_t,
                                     path: String) throws {
        var dims = [hsize_t(strings.count)]
        let space = H5Screate_simple(1, &dims, nil)
        defer { H5Sclose(space) }
        let type = HDF5.utf8StringType()
        defer { H5Tclose(type) }
        let creation = H5Pcreate(amss_h5p_dataset_create())
        H5Pset_obj_track_times(creation, false)
        defer { H5Pclose(creation) }
        let dataset = try HDF5.check(
            H5Dcreate2(file, name, type, space, amss_h5p_default(), creation, amss_h5p_default()),
            path, "create dataset \(name)")
        defer { H5Dclose(dataset) }

        let status = withCStringArray(strings) { pointers in
            H5Dwrite(dataset, type, amss_h5s_all(), amss_h5s_all(), amss_h5p_default(), pointers)
        }
        try HDF5.check(status, path, "write dataset \(name)")
    }

    private static func writeStringAttribute(_ name: String, _ values: [String], scalar: Bool,
                                             on object: hid_t, path: String) throws {
        var dims = [hsize_t(values.count)]
        let space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil)
        defer { H5Sclose(space) }
        let type = HDF5.utf8StringType()
        defer { H5Tclose(type) }
        let attribute = try HDF5.check(
            H5Acreate2(object, name, type, space, amss_h5p_default(), amss_h5p_default()),
            path, "create attribute \(name)")
        defer { H5Aclose(attribute) }
        let status = withCStringArray(values) { pointers in H5Awrite(attribute, type, pointers) }
        try HDF5.check(status, path, "write attribute \(name)")
    }

    /// Calls `body` with a C array of NUL-terminated copies of `strings`.
    private static func withCStringArray<R>(_ strings: [String],
                                            _ body: (UnsafeRawPointer) -> R) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return copies.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { return body(UnsafeRawPointer(base)) }
            var empty: UInt8 = 0
            return withUnsafePointer(to: &empty) { body(UnsafeRawPointer($0)) }
        }
    }
}
