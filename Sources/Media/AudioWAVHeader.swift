import Foundation

/// Where a RIFF, RIFX, RF64 or BW64 WAVE file's `data` chunk starts and how long its header
/// says it is, read by walking the chunk headers (libsndfile repairs a wrong size silently;
/// this walk lets the audio stage say so).
struct AudioWAVHeader: Equatable {
    /// Byte offset of the first sample.
    let dataOffset: Int
    /// The data size the header declares, in bytes (from `ds64` for RF64 and BW64).
    let declaredBytes: UInt64
    /// Bytes from `dataOffset` to the end of the file.
    let presentBytes: UInt64
    /// Whether `declaredBytes` is the 0xFFFFFFFF placeholder of a header never finalised.
    let placeholder: Bool
    /// Bytes per sample frame (`fmt ` block align), 0 if the chunk was not seen.
    let blockAlign: Int
    /// The 8 bytes after the declared end of the data (after its pad byte), when there are any.
    let trailer: [UInt8]

    /// Chunk headers looked at before giving up on finding `data`.
    static let maxChunks = 256

    /// The chunk walk over a file of `fileSize` bytes, reading through `read(offset, count)`;
    /// nil when the file is not a RIFF-style WAVE file or has no `data` chunk header
    /// (libsndfile then decides on its own).
    static func walk(fileSize: UInt64, read: (UInt64, Int) -> [UInt8]) -> AudioWAVHeader? {
        let head = read(0, 12)
        guard head.count == 12, Array(head[8..<12]) == Array("WAVE".utf8) else { return nil }
        let tag = String(decoding: head[0..<4], as: UTF8.self)
        guard ["RIFF", "RIFX", "RF64", "BW64"].contains(tag) else { return nil }
        let bigEndian = tag == "RIFX"
        let wide = tag == "RF64" || tag == "BW64"

        var offset: UInt64 = 12
        var wideDataBytes: UInt64?
        var blockAlign = 0
        for _ in 0..<maxChunks {
            let chunk = read(offset, 8)
            guard chunk.count == 8 else { return nil }
            let id = String(decoding: chunk[0..<4], as: UTF8.self)
            let size = UInt64(number(chunk[4..<8], bigEndian: bigEndian))
            let body = offset + 8
            if id == "ds64" {
                let ds64 = read(body, 16)
                if ds64.count == 16 { wideDataBytes = number(ds64[8..<16], bigEndian: false) }
            } else if id == "fmt " {
                let fmt = read(body, 16)
                if fmt.count >= 14 { blockAlign = Int(number(fmt[12..<14], bigEndian: bigEndian)) }
            } else if id == "data" {
                let placeholder = size == 0xFFFF_FFFF && !(wide && wideDataBytes != nil)
                let declared = wide && size == 0xFFFF_FFFF ? (wideDataBytes ?? size) : size
                let present = fileSize > body ? fileSize - body : 0
                let end = body + declared + (declared & 1)
                let trailer = end < fileSize && !placeholder ? read(end, 8) : []
                return AudioWAVHeader(dataOffset: Int(body), declaredBytes: declared,
                                      presentBytes: present, placeholder: placeholder,
                                      blockAlign: blockAlign, trailer: trailer)
            }
            offset = body + size + (size & 1)
            guard offset < fileSize else { return nil }
        }
        return nil
    }

    /// What is wrong with the declared data size, as warnings for `path`; throws `data-size`
    /// for a size of 0 in front of samples, which libsndfile reads as an empty file.
    func check(path: String) throws -> [AudioWarning] {
        if declaredBytes == 0 && presentBytes >= UInt64(max(blockAlign, 1)) {
            throw MediaError(path: path, code: "data-size",
                             reason: "the data chunk declares 0 bytes but \(presentBytes) bytes "
                                + "follow it (a header never finalised); re-encode the file")
        }
        if placeholder {
            return [AudioWarning(path: path, code: "data-size",
                                 message: "the data chunk size is the placeholder 0xFFFFFFFF "
                                    + "(a header never finalised); decoded the "
                                    + "\(presentBytes) bytes up to the end of the file")]
        }
        if declaredBytes > presentBytes {
            return [AudioWarning(path: path, code: "truncated",
                                 message: "the data chunk declares \(declaredBytes) bytes but "
                                    + "the file ends after \(presentBytes); decoded the "
                                    + "samples that are there")]
        }
        if trailer.count == 8 && !AudioWAVHeader.isChunkHeader(trailer) {
            let extra = presentBytes - declaredBytes
            return [AudioWarning(path: path, code: "data-size",
                                 message: "the data chunk declares \(declaredBytes) bytes but "
                                    + "\(extra) more bytes follow that are not a chunk; "
                                    + "decoded only the declared \(declaredBytes)")]
        }
        return []
    }

    /// Whether 8 bytes look like a chunk header: a printable ASCII id.
    static func isChunkHeader(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 8 && bytes[0..<4].allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// An unsigned integer from 2, 4 or 8 bytes.
    private static func number(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> UInt64 {
        let ordered = bigEndian ? Array(bytes) : Array(bytes.reversed())
        return ordered.reduce(0) { ($0 << 8) | UInt64($1) }
    }
}
