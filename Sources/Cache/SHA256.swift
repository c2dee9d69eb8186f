import CCrypto
import Foundation

/// SHA-256 (FIPS 180-4), incremental, for shard checksums and configuration keys.
///
/// A thin owner of an OpenSSL digest context (EVP_MD_CTX_new + EVP_sha256; freed in deinit),
/// which uses the CPU's SHA extensions where present (about 1.8 GB/s here).
public final class SHA256 {
    private let context: OpaquePointer?
    private var finished = false

    /// Starts an empty hash (EVP_DigestInit_ex with EVP_sha256).
    public init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Hashes more bytes (EVP_DigestUpdate).
    public func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let copy = Array(bytes)
        copy.withUnsafeBytes { update(buffer: $0) }
    }

    /// Hashes the bytes of a buffer without copying them (EVP_DigestUpdate).
    public func update(buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        EVP_DigestUpdate(context, base, buffer.count)
    }

    /// Finishes and returns the 32-byte digest (EVP_DigestFinal_ex); call once.
    public func finalize() -> [UInt8] {
        precondition(!finished, "SHA256.finalize called twice")
        finished = true
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return Array(digest.prefix(Int(length)))
    }

    /// The digest of `data` as lower-case hex.
    public static func hex(of data: Data) -> String {
        let hash = SHA256()
        data.withUnsafeBytes { hash.update(buffer: $0) }
        return hexString(hash.finalize())
    }

    /// The digest of the UTF-8 bytes of `text` as lower-case hex.
    public static func hex(of text: String) -> String { hex(of: Data(text.utf8)) }

    /// The digest of a file's bytes as lower-case hex, read in 4 MiB blocks.
    public static func hex(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CacheError(path: path, code: "missing", reason: "cannot open file to hash it")
        }
        defer { try? handle.close() }
        let hash = SHA256()
        while true {
            let block = handle.readData(ofLength: 4 << 20)
            if block.isEmpty { break }
            block.withUnsafeBytes { hash.update(buffer: $0) }
        }
        return hexString(hash.finalize())
    }

    private static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
