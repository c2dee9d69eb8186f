import CHDF5
import Foundation

extension ShardReader {
    /// The element type of dataset `name`, or nil when it is none of `ElementKind`'s
    /// (H5Dget_type, H5Tget_class, H5Tget_size, H5Tget_sign, H5Tis_variable_str, H5Tget_cset).
    public func elementKind(of name: String) throws -> ElementKind? {
        try withDataset(name) { dataset in
            let type = H5Dget_type(dataset)
            defer { H5Tclose(type) }
            let size = H5Tget_size(type)
            switch H5Tget_class(type) {
            case H5T_FLOAT:
                return size == 4 ? .float32 : nil
            case H5T_INTEGER:
                let unsigned = H5Tget_sign(type) == H5T_SGN_NONE
                switch (size, unsigned) {
                case (1, true): return .uint8
                case (4, false): return .int32
                case (8, false): return .int64
                default: return nil
                }
            case H5T_STRING:
                return H5Tis_variable_str(type) > 0 && H5Tget_cset(type) == H5T_CSET_UTF8
                    ? .utf8 : nil
            default:
                return nil
            }
        }
    }

    /// The chunk shape of dataset `name`, or nil when it is stored contiguously
    /// (H5Dget_create_plist, H5Pget_layout, H5Pget_chunk).
    public func chunkShape(of name: String) throws -> [Int]? {
        try withDataset(name) { dataset in
            let list = H5Dget_create_plist(dataset)
            defer { H5Pclose(list) }
            guard H5Pget_layout(list) == H5D_CHUNKED else { return nil }
            var dims = [hsize_t](repeating: 0, count: 32)
            let rank = H5Pget_chunk(list, 32, &dims)
            guard rank > 0 else { return nil }
            return dims.prefix(Int(rank)).map { Int($0) }
        }
    }

    /// The deflate level of dataset `name` (0 when not compressed), from its filter pipeline
    /// (H5Pget_nfilters, H5Pget_filter2).
    public func deflateLevel(of name: String) throws -> Int {
        try withDataset(name) { dataset in
            let list = H5Dget_create_plist(dataset)
            defer { H5Pclose(list) }
            for index in 0..<max(0, H5Pget_nfilters(list)) {
                var flags: UInt32 = 0
                var count = 1
                var values: [UInt32] = [0]
                var nameBuffer = [CChar](repeating: 0, count: 64)
                var config: UInt32 = 0
                let filter = H5Pget_filter2(list, UInt32(index), &flags, &count, &values, 64,
                                            &nameBuffer, &config)
                if filter == H5Z_FILTER_DEFLATE { return Int(values[0]) }
            }
            return 0
        }
    }

    /// Opens dataset `name` under the HDF5 lock, runs `body`, and closes it (H5Dopen2).
    private func withDataset<T>(_ name: String, _ body: (hid_t) throws -> T) throws -> T {
        try HDF5.locked {
            guard H5Lexists(fileID, name, amss_h5p_default()) > 0 else {
                throw CacheError(path: path, code: "schema", reason: "shard has no dataset \(name)")
            }
            let dataset = try HDF5.check(H5Dopen2(fileID, name, amss_h5p_default()), path,
                                         "open \(name)")
            defer { H5Dclose(dataset) }
            return try body(dataset)
        }
    }
}
