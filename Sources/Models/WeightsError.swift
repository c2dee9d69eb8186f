/// Why a weights file or a checkpoint folder could not be used; every case names the file.
public enum WeightsError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case missingFile(path: String)
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The safetensors header (or a config file) is not what the format says.
    case malformed(path: String, reason: String)
    /// A tensor the model needs is not in the file.
    case missingTensor(path: String, name: String)
    /// A tensor has another shape than the model's parameter.
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    /// A tensor is stored in a type other than F32, F16 or BF16.
    case unsupportedDtype(path: String, name: String, dtype: String)
    /// The model configuration asks for something this encoder does not implement.
    case unsupportedConfig(path: String, reason: String)

    /// One line naming the file, the tensor when there is one, and the reason.
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "\(path): no such file"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .malformed(let path, let reason):
            return "\(path): malformed: \(reason)"
        case .missingTensor(let path, let name):
            return "\(path): no tensor named '\(name)'"
        case .shapeMismatch(let path, let name, let expected, let found):
            return "\(path): tensor '\(name)' has shape \(found), the model needs \(expected)"
        case .unsupportedDtype(let path, let name, let dtype):
            return "\(path): tensor '\(name)' is \(dtype); only F32, F16 and BF16 are read"
        case .unsupportedConfig(let path, let reason):
            return "\(path): unsupported configuration: \(reason)"
        }
    }
}
