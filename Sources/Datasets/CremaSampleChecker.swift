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

    private func checkAudio(id: String, problems: inout [Finding]) -> String? {
        MediaFileChecks(root: root).wav(
            "AudioWAV/\(id).wav", id: id,
            limit: (CremaLayout.maxClipSeconds, "CREMA-D clips last 1–5 s"), problems: &problems)
    }

    /// The frame folder when it holds images, else the FLV; nil with findings when neither.
    private func checkVisual(id: String, problems: inout [Finding])
        -> (key: String, path: String)? {
        let media = MediaFileChecks(root: root)
        let folder = "Image-01-FPS/\(id)"
        switch media.frameFolder(folder, id: id, problems: &problems) {
        case .frames(let path): return ("frames", path)
        case .failed: return nil
        case .absent: break
        }

        let video = "VideoFlash/\(id).flv"
        guard media.firstExisting([video]) != nil else {
            problems.append(error(folder, id, "no-frames", "no images in \(folder)/ and no "
                                  + "\(video) to decode frames from"))
            return nil
        }
        return media.video(video, id: id, problems: &problems).map { ("video", $0) }
    }

    private func error(_ path: String, _ id: String, _ code: String, _ message: String) -> Finding {
        Finding(path: path, id: id, code: code, severity: .error, message: message)
    }
}
