import Cache

/// Which inputs a cache's shards hold, as its manifest's recorded configuration names them
/// (one section per input: `audio`, `frames`, `image`, `text`).
enum CacheInputs {
    /// The section names of the recorded configuration that are inputs.
    static func of(_ manifest: Manifest) -> [String] {
        ["audio", "frames", "image", "text"].filter { manifest.config[$0] != nil }
    }

    /// Throws for a cache whose configuration has an image or text section without both audio
    /// and frames: the trainer's encoders take audio and frames only. (A manifest that records
    /// no sections at all is taken as it is; its shards are checked when opened.)
    static func requireAudioVisual(_ manifest: Manifest, cacheFolder: String) throws {
        let inputs = of(manifest)
        guard inputs.contains("image") || inputs.contains("text") else { return }
        guard !(inputs.contains("audio") && inputs.contains("frames")) else { return }
        let held = inputs.isEmpty ? "no known input" : inputs.joined(separator: " and ")
        throw TrainingError(path: cacheFolder,
                            reason: "this \(manifest.dataset) cache holds \(held) shards; "
                                + "training has encoders for audio and frames (visual) only — "
                                + "no image or text encoder exists yet")
    }
}
