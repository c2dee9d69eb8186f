import Foundation

/// Checks one annotation row of a CREMA-D split and the media files it names.
struct CremaSampleChecker {
    let root: DatasetRoot
    let split: String
    /// The annotation file's path relative to the root, for findings about the row itself.
    let annotation: String

    private static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// The sample, or nil after appending the findings that keep it out.
    func check(row: AnnotationFile.Row, seen: inout [String: String],
               findings: inout [Finding]) -> Sample? {
        let rowPath = "\(annotation):\(row.line)"
        guard row.fields.count >= 2 else {
            findings.append(error(rowPath, row.fields.first ?? "", "bad-row",
                                  "expected `clip,EMOTION`, found \(row.fields.count) field(s)"))
            return nil
        }
        let id = row.fields[0].trimmingCharacters(in: .whitespaces)
        let labelName = row.fields[1].trimmingCharacters(in: .whitespaces)

        guard DatasetRoot.isPlainFileName(id) else {
            findings.append(error(rowPath, id, "unsafe-id", "the clip id is not a plain file name"
                                  + " (empty, `.`/`..`, or contains `/`, `\\` or a control "
                                  + "character); no file is opened for it"))
            return nil
        }
        if let first = seen[id] {
            findings.append(error(rowPath, id, "duplicate-id", "already listed at \(first); "
                                  + "the first occurrence is kept"))
            return nil
        }
        seen[id] = rowPath

        guard let label = CremaClipName.emotions.firstIndex(of: labelName) else {
            findings.append(error(rowPath, id, "unknown-label", "label '\(labelName)' is not one "
                                  + "of " + CremaClipName.emotions.joined(separator: " ")))
            return nil
        }
        switch CremaClipName.parse(id) {
        case .failure(let problem):
            findings.append(error(rowPath, id, "bad-name", "not a CREMA-D clip name: "
                                  + problem.reason))
            return nil
        case .success(let name) where name.emotion != labelName:
            findings.append(error(rowPath, id, "label-mismatch", "label \(labelName) disagrees "
                                  + "with the emotion \(name.emotion) in the clip name"))
            return nil
        case .success:
            break
        }

        var problems: [Finding] = []
        let audio = checkAudio(id: id, problems: &problems)
        let visual = checkVisual(id: id, problems: &problems)
        findings.append(contentsOf: problems)
        guard let audio, let visual, !problems.contains(where: { $0.severity == .error }) else {
            return nil
        }
        return Sample(id: id, split: split, label: label,
                      sources: ["audio": audio, visual.key: visual.path])
    }

    // MARK: - Media

    private func checkAudio(id: String, problems: inout [Finding]) -> String? {
        let relative = "AudioWAV/\(id).wav"
        guard let path = resolveFile(relative, id: id, problems: &problems),
              let kind = sniff(path, relative: relative, id: id, problems: &problems) else {
            return nil
        }
        if let problem = kindProblem(kind, expected: "a WAV file", relative: relative, id: id,
                                     wrongCode: "not-audio", accept: [.wav]) {
            problems.append(problem)
            return nil
        }
        guard let header = MediaSniffer.wavHeader(path: path) else {
            problems.append(error(relative, id, "not-audio",
                                  "RIFF/WAVE file without a readable fmt and data chunk"))
            return nil
        }
        if header.availableDataBytes == 0 || header.byteRate == 0 {
            problems.append(error(relative, id, "empty-media", "the WAV header has no samples"))
            return nil
        }
        if header.seconds > CremaLayout.maxClipSeconds {
            problems.append(error(relative, id, "duration-outlier", String(
                format: "%.1f s long; CREMA-D clips last 1–5 s (limit %.0f s)", header.seconds,
                CremaLayout.maxClipSeconds)))
            return nil
        }
        if header.declaredDataBytes != 0xFFFF_FFFF,
           header.declaredDataBytes > header.availableDataBytes {
            problems.append(Finding(path: relative, id: id, code: "truncated", severity: .warning,
                                    message: "the header declares \(header.declaredDataBytes) "
                                        + "data bytes but \(header.availableDataBytes) are "
                                        + "present; what is there is used"))
        }
        return path
    }

    /// The frame folder when it holds images, else the FLV; nil with findings when neither.
    private func checkVisual(id: String, problems: inout [Finding])
        -> (key: String, path: String)? {
        let folder = "Image-01-FPS/\(id)"
        if case .inside(let path) = root.resolve(folder) {
            let images = imageFiles(in: path)
            if !images.isEmpty {
                for image in images {
                    let relative = "\(folder)/\(image)"
                    guard let file = resolveFile(relative, id: id, problems: &problems),
                          let kind = sniff(file, relative: relative, id: id, length: 16,
                                           problems: &problems) else { return nil }
                    if let problem = kindProblem(kind, expected: "a JPEG or PNG image",
                                                 relative: relative, id: id,
                                                 wrongCode: "not-image", accept: [.jpeg, .png]) {
                        problems.append(problem)
                        return nil
                    }
                    if kind == .jpeg, !MediaSniffer.jpegIsComplete(path: file) {
                        problems.append(error(relative, id, "truncated-image", "the JPEG has no "
                                              + "end-of-image marker: the file was cut off"))
                        return nil
                    }
                }
                return ("frames", path)
            }
        } else if case .outside(let target) = root.resolve(folder) {
            problems.append(error(folder, id, "outside-root", "resolves outside the dataset root "
                                  + "(to \(Finding.escaped(target))); not opened"))
            return nil
        }

        let video = "VideoFlash/\(id).flv"
        switch root.resolve(video) {
        case .missing:
            problems.append(error(folder, id, "no-frames", "no images in \(folder)/ and no "
                                  + "\(video) to decode frames from"))
            return nil
        case .outside(let target):
            problems.append(error(video, id, "outside-root", "resolves outside the dataset root "
                                  + "(to \(Finding.escaped(target))); not opened"))
            return nil
        case .inside(let path):
            guard let kind = sniff(path, relative: video, id: id, problems: &problems) else {
                return nil
            }
            if let problem = kindProblem(kind, expected: "a video file", relative: video, id: id,
                                         wrongCode: "not-video",
                                         accept: [.flv, .mp4, .matroska, .avi]) {
                problems.append(problem)
                return nil
            }
            return ("video", path)
        }
    }

    /// The kind of a regular file's first bytes, or nil with a finding.
    private func sniff(_ path: String, relative: String, id: String, length: Int = 64,
                       problems: inout [Finding]) -> MediaSniffer.Kind? {
        switch MediaSniffer.sniff(path: path, length: length) {
        case .success(let sniffed):
            return sniffed.kind
        case .failure(.notAFile(let what)):
            problems.append(error(relative, id, "unreadable", "\(what), not a media file"))
        case .failure(.unreadable(let reason)):
            problems.append(error(relative, id, "unreadable", "cannot read the file: \(reason)"))
        }
        return nil
    }

    /// Image file names directly inside `folder` (hidden files ignored).
    private func imageFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { name in
            !name.hasPrefix(".")
                && CremaSampleChecker.imageExtensions.contains(
                    (name as NSString).pathExtension.lowercased())
        }.sorted()
    }

    private func resolveFile(_ relative: String, id: String,
                             problems: inout [Finding]) -> String? {
        switch root.resolve(relative) {
        case .missing:
            problems.append(error(relative, id, "missing", "the file does not exist"))
            return nil
        case .outside(let target):
            problems.append(error(relative, id, "outside-root", "resolves outside the dataset "
                                  + "root (to \(Finding.escaped(target))); not opened"))
            return nil
        case .inside(let path):
            return path
        }
    }

    private func kindProblem(_ kind: MediaSniffer.Kind, expected: String, relative: String,
                             id: String, wrongCode: String,
                             accept: [MediaSniffer.Kind]) -> Finding? {
        if accept.contains(kind) { return nil }
        switch kind {
        case .empty:
            return error(relative, id, "empty-media", "the file is empty (0 bytes)")
        case .lfsPointer:
            return error(relative, id, "lfs-pointer", "a git-lfs pointer, not the media: run "
                         + "`git lfs pull` in the dataset's repository")
        case .unknown(let what):
            return error(relative, id, wrongCode, "expected \(expected), found \(what)")
        default:
            return error(relative, id, wrongCode, "expected \(expected), found \(kind)")
        }
    }

    private func error(_ path: String, _ id: String, _ code: String, _ message: String) -> Finding {
        Finding(path: path, id: id, code: code, severity: .error, message: message)
    }
}
