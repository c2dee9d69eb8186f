/// One shard as the manifest lists it.
///
/// `file`, `samples` and `sha256` are always present. The other members are recorded by
/// `amss prep` and absent from hand-written manifests: the file's size and modification time
/// (so a reader can tell cheaply whether the file changed since its checksum was taken), the
/// identity of the inputs it was made from, the records of the shard's samples that the
/// stages rejected, and those of its samples that were prepared with a warning.
public struct ShardEntry: Codable, Equatable {
    /// The shard's path relative to the cache folder, e.g. `train/shard-00000.h5`.
    public let file: String
    /// The number of samples in it.
    public let samples: Int
    /// The SHA-256 of the file's bytes, lower-case hex.
    public let sha256: String
    /// The file's size in bytes when the checksum was taken.
    public var bytes: Int64?
    /// The file's modification time (nanoseconds since 1970) when the checksum was taken.
    public var mtimeNs: Int64?
    /// SHA-256 over the config key, the shard's place and its samples' ids, labels and source
    /// sizes and modification times.
    public var identity: String?
    /// SHA-256 over the config key, the shard's place and its samples' ids, labels and source
    /// contents (`prep --strict` compares this one).
    public var contentIdentity: String?
    /// Samples planned for this shard that the stages rejected.
    public var rejected: [RejectedSample]?
    /// Samples of this shard that were prepared although a stage found a problem (a truncated
    /// WAV, skipped damaged packets): the same fields, with the code of the warning.
    public var warnings: [RejectedSample]?

    enum CodingKeys: String, CodingKey {
        case file, samples, sha256, bytes, identity, rejected, warnings
        case mtimeNs = "mtime_ns"
        case contentIdentity = "content_identity"
    }

    /// Makes an entry; the optional members are left out.
    public init(file: String, samples: Int, sha256: String) {
        self.file = file
        self.samples = samples
        self.sha256 = sha256
    }

    /// Makes a complete entry as `prep` records it.
    public init(file: String, samples: Int, sha256: String, stamp: FileStamp?, identity: String,
                contentIdentity: String?, rejected: [RejectedSample],
                warnings: [RejectedSample] = []) {
        self.init(file: file, samples: samples, sha256: sha256)
        self.bytes = stamp?.bytes
        self.mtimeNs = stamp?.mtimeNs
        self.identity = identity
        self.contentIdentity = contentIdentity
        self.rejected = rejected.isEmpty ? nil : rejected
        self.warnings = warnings.isEmpty ? nil : warnings
    }

    /// The recorded size and modification time, when both are present.
    public var stamp: FileStamp? {
        guard let bytes, let mtimeNs else { return nil }
        return FileStamp(bytes: bytes, mtimeNs: mtimeNs)
    }

    /// A copy whose recorded size and modification time are `stamp`.
    public func restamped(_ stamp: FileStamp?) -> ShardEntry {
        var copy = self
        copy.bytes = stamp?.bytes
        copy.mtimeNs = stamp?.mtimeNs
        return copy
    }
}
