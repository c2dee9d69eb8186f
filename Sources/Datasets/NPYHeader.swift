import Foundation

/// The header of a NumPy `.npy` file: element type, order and shape, read without the data.
public struct NPYHeader: Equatable {
    /// The dtype descriptor, e.g. `<f4` or `<f2`.
    public let descr: String
    /// Whether the data are in Fortran (column-major) order.
    public let fortranOrder: Bool
    /// The array shape.
    public let shape: [Int]
    /// The byte offset of the data.
    public let dataOffset: Int

    /// Why a file is not a readable `.npy`.
    public struct HeaderError: Error, Equatable {
        public let reason: String
    }

    /// Reads the header of the file at `path` (format versions 1–3).
    public static func read(path: String) -> Result<NPYHeader, HeaderError> {
        guard case .success(let head) = MediaSniffer.readHead(path: path, length: 12),
              head.count >= 10 else {
            return .failure(HeaderError(reason: "shorter than an .npy header"))
        }
        guard head.starts(with: [0x93] + Array("NUMPY".utf8)) else {
            return .failure(HeaderError(reason: "no \\x93NUMPY magic: not an .npy file"))
        }
        let major = Int(head[6])
        let wide = major >= 2
        guard wide ? head.count >= 12 : true else {
            return .failure(HeaderError(reason: "truncated header"))
        }
        let length = wide
            ? Int(head[8]) | Int(head[9]) << 8 | Int(head[10]) << 16 | Int(head[11]) << 24
            : Int(head[8]) | Int(head[9]) << 8
        let start = wide ? 12 : 10
        guard length < 1 << 20,
              case .success(let bytes) = MediaSniffer.readBytes(path: path, offset: start,
                                                                 length: length),
              bytes.count == length else {
            return .failure(HeaderError(reason: "truncated header"))
        }
        return parse(String(decoding: bytes, as: UTF8.self), dataOffset: start + length)
    }

    /// Parses the header's Python dict literal.
    static func parse(_ text: String, dataOffset: Int) -> Result<NPYHeader, HeaderError> {
        guard let descr = quotedValue(of: "descr", in: text) else {
            return .failure(HeaderError(reason: "the header has no 'descr'"))
        }
        let fortran = text.range(of: "'fortran_order': True") != nil
        guard let open = text.range(of: "'shape':"),
              let left = text[open.upperBound...].firstIndex(of: "("),
              let right = text[left...].firstIndex(of: ")") else {
            return .failure(HeaderError(reason: "the header has no 'shape' tuple"))
        }
        let items = text[text.index(after: left)..<right].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = items.compactMap { Int($0) }
        guard shape.count == items.count, shape.allSatisfy({ $0 >= 0 }) else {
            return .failure(HeaderError(reason: "the shape (\(items.joined(separator: ", "))) "
                                        + "is not a tuple of sizes"))
        }
        return .success(NPYHeader(descr: descr, fortranOrder: fortran, shape: shape,
                                  dataOffset: dataOffset))
    }

    /// The string value of `'key': '…'`.
    private static func quotedValue(of key: String, in text: String) -> String? {
        guard let found = text.range(of: "'\(key)':") else { return nil }
        let rest = text[found.upperBound...].drop { $0 == " " }
        guard let quote = rest.first, quote == "'" || quote == "\"" else { return nil }
        let body = rest.dropFirst()
        guard let end = body.firstIndex(of: quote) else { return nil }
        return String(body[..<end])
    }
}
