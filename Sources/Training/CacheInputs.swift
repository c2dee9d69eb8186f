import Cache

/// Which inputs a cache's shards hold, as its manifest's recorded configuration names them
/// (one section per input: `audio`, `frames`, `image`, `text`).
enum CacheInputs {
    /// The section names of the recorded configuration that are inputs.
    static func of(_ manifest: Manifest) -> [String] {
        ["audio", "frames", "image", "text"].filter { manifest.config[$0] != nil }
    }

    /// Throws for a cache whose configuration names inputs the trainer has no encoders for:
    /// it trains audio with frames or with still images (read as one-frame clips). A manifest
    /// that records no sections at all is taken as it is; its shards are checked when opened.
    static func requireAudioVisual(_ manifest: Manifest, cacheFolder: String) throws {
        let inputs = of(manifest)
        guard !inputs.isEmpty else { return }
        let trainable = inputs.contains("audio")
            && (inputs.contains("frames") || inputs.contains("image"))
            && !inputs.contains("text")
        guard !trainable else { return }
        throw TrainingError(path: cacheFolder,
                            reason: "this \(manifest.dataset) cache holds "
                                + inputs.joined(separator: " and ") + " shards; training has "
                                + "encoders for audio with frames or images only — no text "
                                + "encoder is wired into the trainer yet")
    }
}
