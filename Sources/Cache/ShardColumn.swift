/// One dataset of a shard: a name, its full shape (first axis = samples) and its values.
public struct ShardColumn {
    /// The element type and values, row-major.
    public enum Values {
        case float32([Float])
        case uint8([UInt8])
        case int32([Int32])
        case int64([Int64])
        /// IEEE 754 binary16 values as their bit patterns (`Float16.bitPattern`).
        case float16([UInt16])

        /// The number of elements.
        public var count: Int {
            switch self {
            case .float32(let values): return values.count
            case .uint8(let values): return values.count
            case .int32(let values): return values.count
            case .int64(let values): return values.count
            case .float16(let values): return values.count
            }
        }
    }

    /// The dataset name inside the shard, e.g. `audio`.
    public let name: String
    /// The full shape; `shape[0]` is the number of samples.
    public let shape: [Int]
    /// The values.
    public let values: Values
    /// String attributes stored on the dataset, e.g. `axes` = `sample,frequency,time`.
    public let attributes: [String: String]

    /// Makes a column; the shape's product must equal the number of values.
    public init(name: String, shape: [Int], values: Values, attributes: [String: String] = [:]) {
        self.name = name
        self.shape = shape
        self.values = values
        self.attributes = attributes
    }
}
