import Foundation

/// The checks every layout runs on the media files a sample names, without decoding them:
/// the path stays inside the dataset root, the first bytes are of the expected kind, a WAV
/// header has samples, a frame folder holds complete images.
///
/// Each check appends its findings for one sample id to `problems` and returns the absolute
/// path when the file is usable.
struct MediaFileChecks {
    /// What a frame-folder check found.
    enum FolderResult {
        /// The folder holds images, all of them usable: its absolute path.
        case frames(String)
        /// The folder is missing or holds no images (no finding added).
        case absent
        /// The folder holds a bad image or resolves outside the root (findings added).
        case failed
    }

    /// The image extensions a frame folder may hold.
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]
    /// The containers a video source may be.
    static let videoKinds: [MediaSniffer.Kind] = [.flv, .mp4, .matroska, .avi]

    let root: DatasetRoot

    /// A RIFF/WAVE file with samples; `limit` rejects longer files with the given note.
    func wav(_ relative: String, id: String, limit: (seconds: Double, note: String)? = nil,
             problems: inout [Finding]) -> String? {
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
            problems.append(Self.error(relative, id, "not-audio",
                                       "RIFF/WAVE file without a readable fmt and data chunk"))
            return nil
        }
        if header.availableDataBytes == 0 || header.byteRate == 0 {
            problems.append(Self.error(relative, id, "empty-media",
                                       "the WAV header has no samples"))
            return nil
        }
        if let limit, header.seconds > limit.seconds {
            problems.append(Self.error(relative, id, "duration-outlier", String(
                format: "%.1f s long; %@ (limit %.0f s)", header.seconds, limit.note,
                limit.seconds)))
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

    /// A folder of JPEG or PNG frames, each sniffed and (for JPEG) checked for its end marker.
    func frameFolder(_ folder: String, id: String, problems: inout [Finding]) -> FolderResult {
        switch root.resolve(folder) {
        case .missing:
            return .absent
        case .outside(let target):
            problems.append(Self.error(folder, id, "outside-root", "resolves outside the dataset "
                                       + "root (to \(Finding.escaped(target))); not opened"))
            return .failed
        case .inside(let path):
            let images = imageFiles(in: path)
            if images.isEmpty { return .absent }
            for image in images {
                let relative = "\(folder)/\(image)"
                guard let file = resolveFile(relative, id: id, problems: &problems),
                      let kind = sniff(file, relative: relative, id: id, length: 16,
                                       problems: &problems) else { return .failed }
                if let problem = kindProblem(kind, expected: "a JPEG or PNG image",
                                             relative: relative, id: id, wrongCode: "not-image",
                                             accept: [.jpeg, .png]) {
                    problems.append(problem)
                    return .failed
                }
                if kind == .jpeg, !MediaSniffer.jpegIsComplete(path: file) {
                    problems.append(Self.error(relative, id, "truncated-image", "the JPEG has no "
                                               + "end-of-image marker: the file was cut off"))
                    return .failed
                }
            }
            return .frames(path)
        }
    }

    /// A video container at `relative`, which must exist.
    func video(_ relative: String, id: String, problems: inout [Finding]) -> String? {
        guard let path = resolveFile(relative, id: id, problems: &problems),
              let kind = sniff(path, relative: relative, id: id, problems: &problems) else {
            return nil
        }
        if let problem = kindProblem(kind, expected: "a video file", relative: relative, id: id,
                                     wrongCode: "not-video", accept: Self.videoKinds) {
            problems.append(problem)
            return nil
        }
        return path
    }

    /// The first of `candidates` that exists (inside the root or not), or nil.
    func firstExisting(_ candidates: [String]) -> String? {
        candidates.first { root.resolve($0) != .missing }
    }

    /// The absolute path of `relative`, or nil with a `missing`/`outside-root` finding.
    func resolveFile(_ relative: String, id: String, problems: inout [Finding]) -> String? {
        switch root.resolve(relative) {
        case .missing:
            problems.append(Self.error(relative, id, "missing", "the file does not exist"))
            return nil
        case .outside(let target):
            problems.append(Self.error(relative, id, "outside-root", "resolves outside the "
                                       + "dataset root (to \(Finding.escaped(target))); not "
                                       + "opened"))
            return nil
        case .inside(let path):
            return path
        }
    }

    /// The kind of a regular file's first bytes, or nil with a finding.
    func sniff(_ path: String, relative: String, id: String, length: Int = 64,
               problems: inout [Finding]) -> MediaSniffer.Kind? {
        switch MediaSniffer.sniff(path: path, length: length) {
        case .success(let sniffed):
            return sniffed.kind
        case .failure(.notAFile(let what)):
            problems.append(Self.error(relative, id, "unreadable", "\(what), not a media file"))
        case .failure(.unreadable(let reason)):
            problems.append(Self.error(relative, id, "unreadable",
                                       "cannot read the file: \(reason)"))
        }
        return nil
    }

    /// A finding when `kind` is not one of `accept`, naming empty files and git-lfs pointers.
    func kindProblem(_ kind: MediaSniffer.Kind, expected: String, relative: String, id: String,
                     wrongCode: String, accept: [MediaSniffer.Kind]) -> Finding? {
        if accept.contains(kind) { return nil }
        switch kind {
        case .empty:
            return Self.error(relative, id, "empty-media", "the file is empty (0 bytes)")
        case .lfsPointer:
            return Self.error(relative, id, "lfs-pointer", "a git-lfs pointer, not the media: "
                              + "run `git lfs pull` in the dataset's repository")
        case .unknown(let what):
            return Self.error(relative, id, wrongCode, "expected \(expected), found \(what)")
        default:
            return Self.error(relative, id, wrongCode, "expected \(expected), found \(kind)")
        }
    }

    /// Image file names directly inside `folder` (hidden files ignored), sorted.
    func imageFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { name in
            !name.hasPrefix(".")
                && Self.imageExtensions.contains((name as NSString).pathExtension.lowercased())
        }.sorted()
    }

    /// An error finding.
    static func error(_ path: String, _ id: String, _ code: String,
                      _ message: String) -> Finding {
        Finding(path: path, id: id, code: code, severity: .error, message: message)
    }
}
