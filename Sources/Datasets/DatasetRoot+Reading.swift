import Foundation

extension DatasetRoot {
    /// Opens the dataset root at `path`; nil after appending the folder-wide finding that stops
    /// a scan (`missing`, or `not-a-folder` when it is a file).
    public static func open(_ path: String, findings: inout [Finding]) -> DatasetRoot? {
        if let root = DatasetRoot(path: path) { return root }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        findings.append(Finding(path: path, id: "", code: exists ? "not-a-folder" : "missing",
                                severity: .error, message: exists
                                    ? "the dataset root is a file, not a folder"
                                    : "the dataset root does not exist"))
        return nil
    }

    /// The bytes of an annotation file inside the root; nil, with a finding unless it is
    /// missing and not `required`, when it cannot be used.
    func readAnnotation(_ relative: String, required: Bool,
                        findings: inout [Finding]) -> Data? {
        switch resolve(relative) {
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
                return Data(bytes)
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
