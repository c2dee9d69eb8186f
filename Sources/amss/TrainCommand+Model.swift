import Cache
import Console
import Foundation
import Training

extension TrainCommand {
    /// The modality names a cache may hold.
    static let modalityNames = ["audio", "visual", "text", "rgb", "depth", "flow"]

    /// The modality selection, frame, fusion and pretrained-weights options; `recorded` is the
    /// cache's manifest, whose dataset sets defaults.
    static func readModel(_ arguments: Arguments, recorded: Manifest?,
                          into options: inout TrainOptions) throws {
        if let list = arguments.options["modalities"] {
            let names = list.split(separator: ",").map(String.init)
            guard !names.isEmpty, names.allSatisfy(modalityNames.contains),
                  Set(names).count == names.count else {
                throw UsageError("--modalities takes distinct names among "
                                 + modalityNames.joined(separator: ", ") + ", got '\(list)'")
            }
            if let modality = options.modality, !names.contains(modality) {
                throw UsageError("--modality \(modality) is not among --modalities \(list)")
            }
            options.modalities = names
        }
        options.frameSampling = try choice(
            arguments, "frame-sampling",
            default: recorded?.dataset == "nvgesture" ? "window" : "segments",
            among: ["segments", "window"])
        if arguments.options["crop-size"] != nil {
            options.cropSize = try arguments.integer("crop-size", default: 224, in: 8...4096)
        }
        options.fusion = try choice(arguments, "fusion", default: "concat",
                                    among: ["concat", "sum", "film", "gated"])
        if options.method == "unimodal" && options.fusion != "concat" {
            throw UsageError("--fusion applies to two or more modalities, not --method unimodal")
        }
        options.textPooling = try choice(arguments, "text-pooling", default: "cls",
                                         among: ["cls", "mean", "pooler"])
        if let folder = arguments.options["text-weights"] {
            options.textWeights = try existing(folder, "text-weights", directory: true)
        } else if options.textPooling == "pooler" {
            throw UsageError("--text-pooling pooler needs --text-weights (BERT's trained pooler)")
        }
        if let file = arguments.options["image-weights"] {
            options.imageWeights = try existing(file, "image-weights", directory: false)
        }
    }

    /// Under compat on image + text data, where `--bias` is the AMSS+ weight bias `b` of
    /// `1 / (q + 1/N + b)`: its default 0.2, and a refusal of a negative `b` (which can make
    /// the weights negative or infinite).
    static func readWeightBias(_ arguments: Arguments, recorded: Manifest?,
                               into options: inout TrainOptions) throws {
        guard options.compat, holdsText(recorded),
              trainsImageAndText(arguments.positional[0], options) else { return }
        guard arguments.options["bias"] != nil else {
            options.bias = TrainPlan.imageTextWeightBias
            return
        }
        guard options.bias >= 0 else {
            throw UsageError("--bias under --compat reference on image + text data is the AMSS+ "
                             + "weight bias b of 1/(q + 1/N + b) and must be at least 0, got "
                             + "\(options.bias)")
        }
    }

    /// The absolute path of an existing folder or file named by `--name`.
    private static func existing(_ path: String, _ name: String,
                                 directory: Bool) throws -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder),
              isFolder.boolValue == directory else {
            throw UsageError("--\(name) \(path): no such " + (directory ? "folder" : "file"))
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
