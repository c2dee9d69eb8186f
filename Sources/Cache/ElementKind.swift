/// The element type of a shard dataset as stored in the file.
public enum ElementKind: String, Codable, CaseIterable {
    /// IEEE 754 binary32.
    case float32
    /// Unsigned 8-bit integer.
    case uint8
    /// Signed 32-bit integer.
    case int32
    /// Signed 64-bit integer.
    case int64
    /// Variable-length UTF-8 string.
    case utf8
}
