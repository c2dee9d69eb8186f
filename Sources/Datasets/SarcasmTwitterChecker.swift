import Foundation

/// Checks the rows of one split of an image–text layout and the images they name.
///
/// A row with a bad label or an unusable image name is an error and is left out; a row whose
/// image is missing is dropped with a warning and counted; an image that is a git-lfs pointer,
/// empty, or neither JPEG, PNG, GIF nor WebP is an error.
struct SarcasmTwitterChecker {
    let root: DatasetRoot
    let split: String
    /// The images folder, relative to the root.
    let images: String
    let classes: [String]
    var samples: [SarcasmTwitterSample] = []
    var findings: [Finding] = []
    var missingImages = 0
    private var seen: [String: Int] = [:]
    /// Every id given out so far in this split.
    private var used: Set<String> = []
    private var repeated = 0

    init(root: DatasetRoot, split: String, images: String, classes: [String]) {
        self.root = root
        self.split = split
        self.images = images
        self.classes = classes
    }

    /// Checks one row: `rowPath` is `file:line`, `id` nil means "the image name's stem".
    mutating func add(rowPath: String, id givenID: String?, label labelText: String,
                      text: String, image imageName: String) {
        let imageName = imageName.trimmingCharacters(in: .whitespaces)
        let stem = (imageName as NSString).deletingPathExtension
        var id = (givenID?.trimmingCharacters(in: .whitespaces)).flatMap { $0.isEmpty ? nil : $0 }
            ?? stem
        guard let label = label(labelText) else {
            findings.append(error(rowPath, id, "unknown-label", "label '\(labelText)' is not a "
                                  + "class index 0…\(classes.count - 1) nor one of "
                                  + classes.joined(separator: ", ")))
            return
        }
        guard DatasetRoot.isPlainFileName(imageName) else {
            findings.append(error(rowPath, id, "unsafe-id", "the image name '\(imageName)' is not "
                                  + "a plain file name; no file is opened for it"))
            return
        }
        let relative = images + "/" + imageName
        guard let path = checkImage(relative, id: id) else { return }

        // The n-th row of an id is `id#n`; a suffixed id that an annotation already uses
        // takes the next free number, so ids stay unique.
        var count = seen[id] ?? 0
        var unique = id
        repeat {
            count += 1
            unique = count == 1 ? id : id + "#\(count)"
        } while used.contains(unique)
        seen[id] = count
        used.insert(unique)
        if unique != id { repeated += 1 }
        id = unique
        samples.append(SarcasmTwitterSample(id: id, split: split, label: label, text: text,
                                            image: path))
    }

    /// The summary findings of the split, once all rows are added.
    mutating func finish(annotation: String) {
        if missingImages > 0 {
            findings.append(Finding(path: annotation, id: "", code: "missing-images",
                                    severity: .warning, message: "\(missingImages) row(s) of "
                                        + "\(split) dropped: their image is missing"))
        }
        if repeated > 0 {
            findings.append(Finding(path: annotation, id: "", code: "repeated-id",
                                    severity: .warning, message: "\(repeated) row(s) of \(split) "
                                        + "repeat an earlier id (several targets of one tweet); "
                                        + "their ids get #2, #3 …"))
        }
        if samples.isEmpty {
            findings.append(Finding(path: annotation, id: "", code: "empty-split",
                                    severity: .error, message: "no usable rows"))
        }
    }

    /// The class index of a label field: an integer in range, or a class name.
    private func label(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let value = Int(trimmed) { return classes.indices.contains(value) ? value : nil }
        return classes.firstIndex { $0.caseInsensitiveCompare(trimmed) == .orderedSame }
    }

    /// The image's absolute path, or nil after recording why it cannot be used.
    private mutating func checkImage(_ relative: String, id: String) -> String? {
        switch root.resolve(relative) {
        case .missing:
            missingImages += 1
            findings.append(Finding(path: relative, id: id, code: "missing-image",
                                    severity: .warning, message: "the image does not exist; "
                                        + "the row is dropped"))
            return nil
        case .outside(let target):
            findings.append(error(relative, id, "outside-root", "resolves outside the dataset "
                                  + "root (to \(Finding.escaped(target))); not opened"))
            return nil
        case .inside(let path):
            switch MediaSniffer.sniff(path: path, length: 64) {
            case .failure(.notAFile(let what)):
                findings.append(error(relative, id, "unreadable", "\(what), not a file"))
            case .failure(.unreadable(let reason)):
                findings.append(error(relative, id, "unreadable", "cannot read it: \(reason)"))
            case .success(let (kind, head)):
                switch kind {
                case .jpeg, .png: return path
                case .lfsPointer:
                    findings.append(error(relative, id, "lfs-pointer", "a git-lfs pointer, not "
                                          + "an image (the file was never fetched)"))
                case .empty:
                    findings.append(error(relative, id, "empty-media", "the image file is empty"))
                default:
                    if MediaSniffer.isGIFOrWebP(head) { return path }
                    findings.append(error(relative, id, "bad-media", "not a JPEG, PNG, GIF or "
                                          + "WebP image"))
                }
            }
            return nil
        }
    }

    private func error(_ path: String, _ id: String, _ code: String,
                       _ message: String) -> Finding {
        Finding(path: path, id: id, code: code, severity: .error, message: message)
    }
}
