/// Checks one clip of a Kinetics-Sounds split list and the media files it names.
struct KineticsSoundsChecker {
    let root: DatasetRoot
    let split: String
    /// The list's path relative to the root, for findings about the row itself.
    let annotation: String

    /// The sample, or nil after appending the findings that keep it out.
    ///
    /// - Parameters:
    ///   - label: the class index, nil when the class map has none for the row's class.
    ///   - labelHint: why `label` is nil, for the finding.
    func check(_ entry: KineticsSoundsList.Entry, label: Int?, labelHint: String,
               seen: inout [String: String], findings: inout [Finding]) -> Sample? {
        let rowPath = "\(annotation):\(entry.line)"
        let id = entry.id
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
        guard let label else {
            let code = labelHint.hasPrefix("class index") ? "label-range" : "unknown-label"
            findings.append(error(rowPath, id, code, labelHint))
            return nil
        }

        var problems: [Finding] = []
        let media = MediaFileChecker(root: root)
        let videos = KineticsSoundsLayout.videoExtensions.map { "\(split)_video/\(id).\($0)" }
        let video = videos.first { root.resolve($0) != .missing }
        let audio = checkAudio(id: id, video: video, media: media, problems: &problems)
        let visual = checkVisual(id: id, video: video, media: media, problems: &problems)
        findings.append(contentsOf: problems)
        guard let audio, let visual, !problems.contains(where: { $0.severity == .error }) else {
            return nil
        }
        return Sample(id: id, split: split, label: label,
                      sources: ["audio": audio, visual.key: visual.path])
    }

    /// The WAV, else the clip's video (whose audio track the audio stage decodes).
    private func checkAudio(id: String, video: String?, media: MediaFileChecker,
                            problems: inout [Finding]) -> String? {
        let wav = "\(split)_wav/\(id).wav"
        if root.resolve(wav) != .missing {
            return media.checkAudio(wav, id: id, problems: &problems)?.path
        }
        guard let video else {
            problems.append(error(wav, id, "no-audio", "no \(wav) and no "
                                  + "\(split)_video/\(id).mp4 (or .mkv, .webm, .avi) to take "
                                  + "the audio track from"))
            return nil
        }
        return media.checkVideo(video, id: id, problems: &problems)
    }

    /// The frame folder when it holds images, else the clip's video.
    private func checkVisual(id: String, video: String?, media: MediaFileChecker,
                             problems: inout [Finding]) -> (key: String, path: String)? {
        let folder = "\(split)_img/Image-01-FPS/\(id)"
        switch media.checkFrameFolder(folder, id: id, problems: &problems) {
        case .usable(let path): return ("frames", path)
        case .rejected: return nil
        case .noImages: break
        }
        guard let video else {
            problems.append(error(folder, id, "no-frames", "no images in \(folder)/ and no "
                                  + "\(split)_video/\(id).mp4 (or .mkv, .webm, .avi) to decode "
                                  + "frames from"))
            return nil
        }
        // The same video may already have been checked for audio; its findings are not doubled.
        var again: [Finding] = []
        let path = media.checkVideo(video, id: id, problems: &again)
        for finding in again where !problems.contains(finding) { problems.append(finding) }
        return path.map { ("video", $0) }
    }

    private func error(_ path: String, _ id: String, _ code: String, _ message: String) -> Finding {
        Finding(path: path, id: id, code: code, severity: .error, message: message)
    }
}
