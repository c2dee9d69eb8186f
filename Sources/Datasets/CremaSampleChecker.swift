import Foundation

/// Checks one annotation row of a CREMA-D split and the media files it names.
struct CremaSampleChecker {
    let root: DatasetRoot
    let split: String
    /// The annotation file's path relative to the root, for findings about the row itself.
    let annotation: String

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

    private var media: MediaFileChecker { MediaFileChecker(root: root) }

    private func checkAudio(id: String, problems: inout [Finding]) -> String? {
        let relative = "AudioWAV/\(id).wav"
        guard let (path, header) = media.checkAudio(relative, id: id, problems: &problems),
              let header else { return nil }
        if header.seconds > CremaLayout.maxClipSeconds {
            problems.append(error(relative, id, "duration-outlier", String(
                format: "%.1f s long; CREMA-D clips last 1–5 s (limit %.0f s)", header.seconds,
                CremaLayout.maxClipSeconds)))
            return nil
        }
        return path
    }

    /// The frame folder when it holds images, else the FLV; nil with findings when neither.
    private func checkVisual(id: String, problems: inout [Finding])
        -> (key: String, path: String)? {
        let folder = "Image-01-FPS/\(id)"
        switch media.checkFrameFolder(folder, id: id, problems: &problems) {
        case .usable(let path): return ("frames", path)
        case .rejected: return nil
        case .noImages: break
        }

        let video = "VideoFlash/\(id).flv"
        guard case .inside = root.resolve(video) else {
            if case .outside(let target) = root.resolve(video) {
                problems.append(media.outside(video, id, target))
            } else {
                problems.append(error(folder, id, "no-frames", "no images in \(folder)/ and no "
                                      + "\(video) to decode frames from"))
            }
            return nil
        }
        return media.checkVideo(video, id: id, problems: &problems).map { ("video", $0) }
    }

    private func error(_ path: String, _ id: String, _ code: String, _ message: String) -> Finding {
        Finding(path: path, id: id, code: code, severity: .error, message: message)
    }
}
