import Foundation

/// A safetensors file read into memory: an 8-byte little-endian header length, a JSON header
/// mapping each tensor name to its dtype, shape and byte range, then the raw data.
///
/// F32, F16 and BF16 tensors are returned as Float32 values (F16 and BF16 converted exactly).
public struct SafetensorsFile {
    /// One tensor's entry in the header.
    public struct Entry: Equatable {
        /// The stored element type, e.g. `F32`, `F16`, `BF16`, `I64`.
        public let dtype: String
        /// The shape.
        public let shape: [Int]
        /// The byte range within the data section.
        public let byteRange: Range<Int>
    }

    /// The file's path, as given.
    public let path: String
    /// Every tensor's entry by name (the `__metadata__` entry is left out).
    public let entries: [String: Entry]

    private let bytes: Data
    private let dataStart: Int

    /// Reads and checks the header of the file at `path`.
    public init(path: String) throws(WeightsError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .missingFile(path: path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }

        guard data.count >= 8 else {
            throw .malformed(path: path, reason: "\(data.count) bytes, shorter than the header "
                             + "length field")
        }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { sum, byte in
            sum | UInt64(byte.element) << (8 * UInt64(byte.offset))
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw .malformed(path: path, reason: "header length \(headerLength) exceeds the "
                             + "\(data.count)-byte file")
        }
        let start = 8 + Int(headerLength)
        entries = try Self.parseHeader(data.subdata(in: 8..<start), path: path,
                                       dataCount: data.count - start)
        self.path = path
        bytes = data
        dataStart = start
    }

    /// The names of every tensor, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The values of tensor `name` as Float32, checked to have shape `expected` (when given).
    public func floats(_ name: String, shape expected: [Int]? = nil) throws(WeightsError)
        -> [Float] {
        guard let entry = entries[name] else { throw .missingTensor(path: path, name: name) }
        if let expected, expected != entry.shape {
            throw .shapeMismatch(path: path, name: name, expected: expected, found: entry.shape)
        }
        let count = entry.shape.reduce(1, *)
        guard let width = Self.byteWidth(entry.dtype) else {
            throw .unsupportedDtype(path: path, name: name, dtype: entry.dtype)
        }
        guard entry.byteRange.count == count * width else {
            throw .malformed(path: path, reason: "tensor '\(name)' spans "
                             + "\(entry.byteRange.count) bytes, its \(entry.dtype) shape "
                             + "\(entry.shape) needs \(count * width)")
        }

        let first = dataStart + entry.byteRange.lowerBound
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { index in
                let offset = first + index * width
                switch entry.dtype {
                case "F32":
                    return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(
                        fromByteOffset: offset, as: UInt32.self)))
                case "BF16":
                    let half = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset,
                                                                      as: UInt16.self))
                    return Float(bitPattern: UInt32(half) << 16)
                default:
                    return Self.halfToFloat(UInt16(littleEndian: raw.loadUnaligned(
                        fromByteOffset: offset, as: UInt16.self)))
                }
            }
        }
    }

    /// IEEE 754 binary16 → Float32, exactly (subnormals, infinities and NaNs included).
    public static func halfToFloat(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Float(bits & 0x3FF)
        switch exponent {
        case 0:
            return sign * fraction * 0x1p-24
        case 31:
            return fraction == 0 ? sign * .infinity : .nan
        default:
            return sign * (1 + fraction * 0x1p-10) * Float(sign: .plus, exponent: exponent - 15,
                                                            significand: 1)
        }
    }

    /// Bytes per element of the float types this reader converts; nil for every other dtype.
    private static func byteWidth(_ dtype: String) -> Int? {
        switch dtype {
        case "F32": return 4
        case "F16", "BF16": return 2
        default: return nil
        }
    }

    private static func parseHeader(_ header: Data, path: String,
                                    dataCount: Int) throws(WeightsError) -> [String: Entry] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: header)
        } catch {
            throw .malformed(path: path, reason: "the header is not JSON")
        }
        guard let table = object as? [String: Any] else {
            throw .malformed(path: path, reason: "the header is not a JSON object")
        }

        var entries: [String: Entry] = [:]
        for (name, value) in table where name != "__metadata__" {
            guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
                  let shape = (fields["shape"] as? [Any])?.compactMap({ $0 as? Int }),
                  let offsets = (fields["data_offsets"] as? [Any])?.compactMap({ $0 as? Int }),
                  offsets.count == 2, shape.count == (fields["shape"] as? [Any])?.count,
                  shape.allSatisfy({ $0 >= 0 }) else {
                throw .malformed(path: path, reason: "tensor '\(name)' lacks a dtype, shape or "
                                 + "data_offsets")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataCount else {
                throw .malformed(path: path, reason: "tensor '\(name)' has data_offsets "
                                 + "\(offsets) outside the \(dataCount)-byte data section")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
        }
        return entries
    }
}
