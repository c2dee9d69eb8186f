import Foundation

extension AnnotationFile {
    /// Reads the annotation file at `relative` under `root`; nil when it cannot be used, with a
    /// finding unless it is simply missing and not `required`.
    static func load(_ relative: String, in root: DatasetRoot, required: Bool,
                     separator: Character = ",", findings: inout [Finding]) -> AnnotationFile? {
        switch root.resolve(relative) {
        case .missing:
            if required {
                findings.append(Finding(path: relative, id: "", code: "missing", severity: .error,
                                        message: "the split's annotation file does not exist"))
            }
            return nil
        case .outside(let target):
            findings.append(Finding(path: relative, id: "", code: "outside-root",
                                    severity: .error, message: "resolves outside the dataset "
                                        + "root (to \(Finding.escaped(target))); not opened"))
            return nil
        case .inside(let path):
            let size = MediaSniffer.fileSize(path: path) ?? 0
            switch MediaSniffer.readBytes(path: path, offset: 0, length: size) {
            case .success(let bytes):
                return AnnotationFile(data: Data(bytes), separator: separator)
            case .failure(.notAFile(let what)):
                findings.append(Finding(path: relative, id: "", code: "unreadable",
                                        severity: .error, message: "\(what), not a file"))
            case .failure(.unreadable(let reason)):
                findings.append(Finding(path: relative, id: "", code: "unreadable",
                                        severity: .error, message: "cannot read it: \(reason)"))
            }
            return nil
        }
    }
}
