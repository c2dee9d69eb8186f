import Foundation
import Models
import Tensor

/// A saved model state: an epoch's parameters and batch-norm running statistics, and for
/// `last.ckpt` also what resuming needs (optimizer state, generator states, the best epoch).
///
/// File format (`best.ckpt`, `last.ckpt`), all integers little-endian:
///
/// | bytes | content |
/// |---|---|
/// | 8 | magic `AMSSCKPT` (ASCII) |
/// | 4 | format version, UInt32 (1) |
/// | 8 | header length L in bytes, UInt64 |
/// | L | header: UTF-8 JSON object (`Checkpoint.Header`) |
/// | 4·n | tensor values: Float32 little-endian, tensors back to back in header order |
///
/// Each header tensor entry gives `name`, `shape`, `offset` and `count` (both in Float32 values
/// from the start of the value section). Names are the model's parameter names
/// (`audio.layer1.0.conv1.weight`, `fusion.weight`, …) and buffer names
/// (`audio.bn1.running_mean`, …); optimizer state tensors are `optimizer.<kind>.<parameter>`
/// (`optimizer.momentum.fusion.weight`, `optimizer.exp_avg.…`, `optimizer.steps`). In Python:
/// read 20 bytes, `json.loads` the header, then
/// `numpy.frombuffer(rest, "<f4")`.
public struct Checkpoint {
    /// The file's first eight bytes.
    public static let magic = Array("AMSSCKPT".utf8)
    /// The format version this code writes and reads.
    public static let formatVersion: UInt32 = 1

    /// Where one tensor lies in the value section.
    public struct TensorEntry: Codable, Equatable {
        /// The parameter or buffer name.
        public var name: String
        /// The logical shape.
        public var shape: [Int]
        /// The first value, counted in Float32 values from the start of the value section.
        public var offset: Int
        /// The number of values.
        public var count: Int
    }

    /// What a resumed run needs beyond the model: generator states (hexadecimal words of
    /// `SeededGenerator.snapshot`) and the best epoch so far.
    public struct TrainingState: Codable, Equatable {
        /// The unit samplers' generator (nil without masking).
        public var maskerGenerator: [String]?
        /// The OGM-GE noise generator.
        public var noiseGenerator: [String]
        /// The encoders' generators (dropout), in encoder order (nil or empty without any).
        public var encoderGenerators: [[String]]?
        /// The best epoch so far (from 1), 0 before any.
        public var bestEpoch: Int
        /// Its selection-split accuracy.
        public var bestSelectionAccuracy: Double
        /// Its test accuracy.
        public var bestTestAccuracy: Double

        enum CodingKeys: String, CodingKey {
            case maskerGenerator = "masker_generator"
            case noiseGenerator = "noise_generator"
            case encoderGenerators = "encoder_generators"
            case bestEpoch = "best_epoch"
            case bestSelectionAccuracy = "best_selection_accuracy"
            case bestTestAccuracy = "best_test_accuracy"
        }

        /// Hexadecimal words of a generator snapshot.
        public static func words(of generator: SeededGenerator) -> [String] {
            generator.snapshot.map { String($0, radix: 16) }
        }

        /// The generator of hexadecimal snapshot words, or nil when they are not one.
        public static func generator(from words: [String]) -> SeededGenerator? {
            let values = words.compactMap { UInt64($0, radix: 16) }
            guard values.count == words.count else { return nil }
            return SeededGenerator(snapshot: values)
        }
    }

    /// The JSON header.
    public struct Header: Codable {
        /// The epoch (from 1) whose state this is.
        public var epoch: Int
        /// The selection split (`valid` or `test`).
        public var selectionSplit: String
        /// The selection split's accuracy (percent) at that epoch.
        public var selectionAccuracy: Double
        /// Class names in index order.
        public var classes: [String]
        /// The cache's config key.
        public var configKey: String
        /// The run's options.
        public var options: TrainOptions
        /// The tensors, in file order.
        public var tensors: [TensorEntry]
        /// The resumable training state (nil in a model-only checkpoint).
        public var training: TrainingState?

        enum CodingKeys: String, CodingKey {
            case epoch, classes, options, tensors, training
            case selectionSplit = "selection_split"
            case selectionAccuracy = "selection_accuracy"
            case configKey = "config_key"
        }
    }

    /// The header.
    public var header: Header
    /// The tensor values by name.
    public var values: [String: [Float]]

    /// Captures a model's parameters and running statistics, and optionally the optimizer
    /// state and training state a resumed run needs.
    public init(model: MultimodalModel, epoch: Int, selectionSplit: String,
                selectionAccuracy: Double, classes: [String], configKey: String,
                options: TrainOptions, optimizerState: [String: [Float]] = [:],
                training: TrainingState? = nil) {
        var entries: [TensorEntry] = []
        var values: [String: [Float]] = [:]
        var offset = 0
        func add(_ name: String, _ shape: [Int], _ data: [Float]) {
            entries.append(TensorEntry(name: name, shape: shape, offset: offset,
                                       count: data.count))
            values[name] = data
            offset += data.count
        }
        for parameter in model.parameters { add(parameter.name, parameter.shape, parameter.value) }
        for encoder in model.encoders {
            for (name, data) in encoder.buffers.sorted(by: { $0.key < $1.key }) {
                add(name, [data.count], data)
            }
        }
        for (name, data) in optimizerState.sorted(by: { $0.key < $1.key }) {
            add(Self.optimizerPrefix + name, [data.count], data)
        }
        header = Header(epoch: epoch, selectionSplit: selectionSplit,
                        selectionAccuracy: selectionAccuracy, classes: classes,
                        configKey: configKey, options: options, tensors: entries,
                        training: training)
        self.values = values
    }

    /// Writes the checkpoint to `path` through a temporary file and a rename.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerData = try encoder.encode(header)

        var data = Data(Self.magic)
        Self.appendInteger(Self.formatVersion, to: &data)
        Self.appendInteger(UInt64(headerData.count), to: &data)
        data.append(headerData)
        for entry in header.tensors {
            let tensor = values[entry.name] ?? []
            var bits = tensor.map { $0.bitPattern.littleEndian }
            bits.withUnsafeMutableBytes { data.append(contentsOf: $0) }
        }

        let temporary = path + ".tmp"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            if FileManager.default.fileExists(atPath: path) {
                try FileManager.default.removeItem(atPath: path)
            }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw TrainingError(path: path, reason: "cannot write checkpoint: \(error)")
        }
    }

    /// Reads a checkpoint written by `write(to:)`.
    ///
    /// - Throws: `TrainingError` when the file is missing, not a checkpoint, of another format
    ///   version, or shorter than its header says.
    public static func read(from path: String) throws -> Checkpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError(path: path, reason: "no checkpoint file")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 20, Array(bytes[0..<8]) == magic else {
            throw TrainingError(path: path, reason: "not an amss checkpoint (magic AMSSCKPT)")
        }
        let version = UInt32(littleEndianBytes: bytes[8..<12])
        guard version == formatVersion else {
            throw TrainingError(path: path, reason: "checkpoint format \(version), this build "
                                + "reads \(formatVersion)")
        }
        let headerLength = Int(UInt64(littleEndianBytes: bytes[12..<20]))
        guard headerLength >= 0, 20 + headerLength <= bytes.count else {
            throw TrainingError(path: path, reason: "header of \(headerLength) bytes runs past "
                                + "the end of the file")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self,
                                              from: Data(bytes[20..<(20 + headerLength)]))
        } catch {
            throw TrainingError(path: path, reason: "unreadable checkpoint header: \(error)")
        }

        let start = 20 + headerLength
        var values: [String: [Float]] = [:]
        for entry in header.tensors {
            let first = start + 4 * entry.offset
            let end = first + 4 * entry.count
            guard entry.offset >= 0, entry.count >= 0, end <= bytes.count else {
                throw TrainingError(path: path, reason: "tensor \(entry.name) runs past the "
                                    + "end of the file")
            }
            values[entry.name] = stride(from: first, to: end, by: 4).map { position in
                Float(bitPattern: UInt32(littleEndianBytes: bytes[position..<(position + 4)]))
            }
        }
        return Checkpoint(header: header, values: values)
    }

    private init(header: Header, values: [String: [Float]]) {
        self.header = header
        self.values = values
    }

    /// The prefix of optimizer state tensor names.
    public static let optimizerPrefix = "optimizer."

    /// The saved optimizer state, keyed as `Optimizer.state` (without the prefix).
    public var optimizerState: [String: [Float]] {
        var state: [String: [Float]] = [:]
        for (name, data) in values where name.hasPrefix(Self.optimizerPrefix) {
            state[String(name.dropFirst(Self.optimizerPrefix.count))] = data
        }
        return state
    }

    /// Loads the saved parameters and running statistics into `model`.
    ///
    /// - Throws: `TrainingError` naming the first parameter that is missing or of another size.
    public func load(into model: MultimodalModel, path: String) throws {
        for parameter in model.parameters {
            guard let saved = values[parameter.name], saved.count == parameter.count else {
                throw TrainingError(path: path, reason: "parameter \(parameter.name) is missing "
                                    + "or not \(parameter.count) values")
            }
            parameter.value = saved
        }
        do {
            for encoder in model.encoders { try encoder.loadBuffers(values) }
        } catch {
            throw TrainingError(path: path, reason: "\(error)")
        }
    }

    private static func appendInteger<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { data.append(contentsOf: $0) }
    }
}

extension FixedWidthInteger {
    /// Assembles an integer from its little-endian bytes.
    init(littleEndianBytes bytes: ArraySlice<UInt8>) {
        var value: Self = 0
        for (shift, byte) in bytes.enumerated() {
            value |= Self(truncatingIfNeeded: byte) << (8 * shift)
        }
        self = value
    }
}
