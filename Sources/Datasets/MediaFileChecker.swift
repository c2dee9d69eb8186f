import Foundation

/// Checks the media files of one sample inside a dataset root without decoding them.
///
/// Every check appends findings (path relative to the root, the sample id, a stable code) and
/// returns the absolute path only when the file can be handed to the stages. Shared by the
/// layouts so that a missing file, a git-lfs pointer or a wrong kind reads the same everywhere.
struct MediaFileChecker {
    let root: DatasetRoot

    /// The frame image extensions a frame folder may hold.
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]
    /// The containers whose audio or video track the stages can decode.
    static let videoKinds: [MediaSniffer.Kind] = [.flv, .mp4, .matroska, .avi]

    // MARK: - Per modality

    /// A RIFF/WAVE file with a readable header and samples; nil with findings otherwise.
    ///
    /// With `acceptContainers`, FLAC, Ogg and video containers (whose audio track is used) pass
    /// on their magic alone; only WAV headers are read further.
    func checkAudio(_ relative: String, id: String, acceptContainers: Bool = false,
                    problems: inout [Finding]) -> (path: String, header: MediaSniffer.WAVHeader?)? {
        guard let path = resolveFile(relative, id: id, problems: &problems),
              let kind = sniff(path, relative: relative, id: id, problems: &problems) else {
            return nil
        }
        let accepted: [MediaSniffer.Kind] = acceptContainers
            ? [.wav, .flac, .ogg] + MediaFileChecker.videoKinds : [.wav]
        if let problem = kindProblem(kind, expected: acceptContainers ? "an audio file" : "a WAV "
                                     + "file", relative: relative, id: id, wrongCode: "not-audio",
                                     accept: accepted) {
            problems.append(problem)
            return nil
        }
        guard kind == .wav else { return (path, nil) }
        guard let header = MediaSniffer.wavHeader(path: path) else {
            problems.append(error(relative, id, "not-audio",
                                  "RIFF/WAVE file without a readable fmt and data chunk"))
            return nil
        }
        if header.sampleRate == 0 || header.channels == 0 {
            problems.append(error(relative, id, "not-audio",
                                  "the WAV header declares \(header.sampleRate) Hz and "
                                    + "\(header.channels) channel(s)"))
            return nil
        }
        if header.byteRate == 0 {
            problems.append(error(relative, id, "not-audio",
                                  "the WAV header declares 0 bytes per second (at "
                                    + "\(header.sampleRate) Hz, \(header.channels) "
                                    + "channel(s)): no duration can be read"))
            return nil
        }
        if header.availableDataBytes == 0 {
            problems.append(error(relative, id, "empty-media",
                                  "the WAV header has no samples (0 data bytes)"))
            return nil
        }
        if header.declaredDataBytes != 0xFFFF_FFFF,
           header.declaredDataBytes > header.availableDataBytes {
            problems.append(Finding(path: relative, id: id, code: "truncated", severity: .warning,
                                    message: "the header declares \(header.declaredDataBytes) "
                                        + "data bytes but \(header.availableDataBytes) are "
                                        + "present; what is there is used"))
        }
        return (path, header)
    }

    /// Where a frame folder stands: usable (its absolute path), absent, or rejected.
    enum FolderCheck {
        case usable(String)
        /// The folder does not exist or holds no frame images.
        case noImages
        /// A finding was appended.
        case rejected
    }

    /// A folder of JPEG/PNG frames, each sniffed and JPEGs checked for their end marker.
    func checkFrameFolder(_ folder: String, id: String, problems: inout [Finding]) -> FolderCheck {
        switch root.resolve(folder) {
        case .missing:
            return .noImages
        case .outside(let target):
            problems.append(outside(folder, id, target))
            return .rejected
        case .inside(let path):
            let images = imageFiles(in: path)
            if images.isEmpty { return .noImages }
            for image in images {
                let relative = (folder as NSString).appendingPathComponent(image)
                guard checkImage(relative, id: id, problems: &problems) != nil else {
                    return .rejected
                }
            }
            return .usable(path)
        }
    }

    /// One JPEG or PNG picture (GIF and WebP with `allowAnimated`); nil with findings otherwise.
    func checkImage(_ relative: String, id: String, allowAnimated: Bool = false,
                    problems: inout [Finding]) -> String? {
        guard let path = resolveFile(relative, id: id, problems: &problems),
              let (kind, head) = sniffHead(path, relative: relative, id: id, length: 16,
                                           problems: &problems) else { return nil }
        if allowAnimated, MediaSniffer.isGIFOrWebP(head) { return path }
        if let problem = kindProblem(kind, expected: "a JPEG or PNG image", relative: relative,
                                     id: id, wrongCode: "not-image", accept: [.jpeg, .png]) {
            problems.append(problem)
            return nil
        }
        if kind == .jpeg, !MediaSniffer.jpegIsComplete(path: path) {
            problems.append(error(relative, id, "truncated-image", "the JPEG has no end-of-image "
                                  + "marker: the file was cut off"))
            return nil
        }
        return path
    }

    /// A video container (FLV, MP4/MOV, Matroska/WebM, AVI); nil with findings otherwise.
    func checkVideo(_ relative: String, id: String, problems: inout [Finding]) -> String? {
        guard let path = resolveFile(relative, id: id, problems: &problems),
              let kind = sniff(path, relative: relative, id: id, problems: &problems) else {
            return nil
        }
        if let problem = kindProblem(kind, expected: "a video file", relative: relative, id: id,
                                     wrongCode: "not-video", accept: MediaFileChecker.videoKinds) {
            problems.append(problem)
            return nil
        }
        return path
    }

    // MARK: - Building blocks

    /// The absolute path of an existing entry inside the root, or nil with a finding.
    func resolveFile(_ relative: String, id: String, problems: inout [Finding]) -> String? {
        switch root.resolve(relative) {
        case .missing:
            problems.append(missing(relative, id))
            return nil
        case .outside(let target):
            problems.append(outside(relative, id, target))
            return nil
        case .inside(let path):
            return path
        }
    }

    /// The finding for a path that does not resolve: `missing` when nothing is there,
    /// `unreadable` for a symbolic link there that cannot be followed (calls `lstat` and
    /// `realpath` for the reason: its target is gone, or the links go round in a loop).
    private func missing(_ relative: String, _ id: String) -> Finding {
        let joined = (root.real as NSString).appendingPathComponent(relative)
        var status = stat()
        guard lstat(joined, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else {
            return error(relative, id, "missing", "the file does not exist")
        }
        errno = 0
        _ = DatasetRoot.realPath(joined)
        let why = errno == ELOOP ? "the links go round in a loop or nest too deep"
            : "its target does not exist"
        return error(relative, id, "unreadable",
                     "a symbolic link that cannot be followed: \(why)")
    }

    /// The kind of a regular file's first bytes, or nil with a finding.
    func sniff(_ path: String, relative: String, id: String, length: Int = 64,
               problems: inout [Finding]) -> MediaSniffer.Kind? {
        sniffHead(path, relative: relative, id: id, length: length, problems: &problems)?.kind
    }

    /// The kind and first bytes of a regular file, or nil with a finding.
    func sniffHead(_ path: String, relative: String, id: String, length: Int = 64,
                   problems: inout [Finding]) -> (kind: MediaSniffer.Kind, head: [UInt8])? {
        switch MediaSniffer.sniff(path: path, length: length) {
        case .success(let sniffed):
            return sniffed
        case .failure(.notAFile(let what)):
            problems.append(error(relative, id, "unreadable", "\(what), not a media file"))
        case .failure(.unreadable(let reason)):
            problems.append(error(relative, id, "unreadable", "cannot read the file: \(reason)"))
        }
        return nil
    }

    /// The finding for a file of the wrong kind, or nil when `kind` is accepted.
    func kindProblem(_ kind: MediaSniffer.Kind, expected: String, relative: String,
                     id: String, wrongCode: String, accept: [MediaSniffer.Kind]) -> Finding? {
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

    /// The finding for a path that resolves outside the root.
    func outside(_ relative: String, _ id: String, _ target: String) -> Finding {
        error(relative, id, "outside-root", "resolves outside the dataset root (to "
              + "\(Finding.escaped(target))); not opened")
    }

    /// Frame image names directly inside `folder` (hidden files ignored), sorted.
    private func imageFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { name in
            !name.hasPrefix(".")
                && MediaFileChecker.imageExtensions.contains(
                    (name as NSString).pathExtension.lowercased())
        }.sorted()
    }

    private func error(_ path: String, _ id: String, _ code: String, _ message: String) -> Finding {
        Finding(path: path, id: id, code: code, severity: .error, message: message)
    }
}
