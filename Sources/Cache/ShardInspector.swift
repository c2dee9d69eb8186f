import Foundation

/// The checks of one listed shard for `CacheVerifier.verify`.
struct ShardInspector {
    let path: String
    let entry: ShardEntry
    let manifest: Manifest
    let schema: ShardSchema

    /// Every problem of the shard, in the order a reader would hit them.
    func problems() -> [CacheProblem] {
        guard let stamp = FileStamp.of(path) else {
            return [problem("missing", "the manifest lists this shard but there is no file")]
        }
        var found: [CacheProblem] = []
        if let recorded = entry.bytes, recorded != stamp.bytes {
            found.append(problem(stamp.bytes < recorded ? "truncated" : "checksum",
                                 "the file has \(stamp.bytes) bytes, the manifest recorded "
                                 + "\(recorded)"))
        }
        if entry.sha256.isEmpty {
            found.append(problem("no-checksum", "the manifest records no SHA-256 for this shard"))
        } else if let actual = try? SHA256.hex(ofFile: path), actual != entry.sha256 {
            found.append(problem("checksum", "SHA-256 is \(actual), the manifest says "
                                 + "\(entry.sha256): the bytes changed after prep"))
        }

        let reader: ShardReader
        do { reader = try ShardReader(path: path) } catch {
            return found + [problem("hdf5", "HDF5 (and so h5py) cannot open it as a shard: "
                                    + "\((error as? CacheError)?.reason ?? "\(error)")")]
        }
        return found + structure(of: reader)
    }

    /// Config key, sample count, datasets and labels.
    private func structure(of reader: ShardReader) -> [CacheProblem] {
        var found: [CacheProblem] = []
        let key = (try? reader.stringAttribute("config_key"))?.first ?? "(none)"
        if key != manifest.configKey {
            found.append(problem("config-mismatch", "made with config key \(key), the manifest "
                                 + "is for \(manifest.configKey): a shard of another "
                                 + "configuration"))
        }
        if reader.sampleCount != entry.samples {
            found.append(problem("schema", "holds \(reader.sampleCount) samples, the manifest "
                                 + "says \(entry.samples)"))
        }
        for dataset in schema.datasets {
            found += check(dataset, in: reader)
        }
        if let labels = try? reader.int64Column("label"),
           let bad = labels.first(where: { $0 < 0 || $0 >= Int64(manifest.classes.count) }) {
            found.append(problem("schema", "label \(bad) outside 0..<\(manifest.classes.count) "
                                 + "(the manifest's classes)"))
        }
        return found
    }

    private func check(_ dataset: ShardSchema.Dataset, in reader: ShardReader)
        -> [CacheProblem] {
        let name = dataset.name
        guard reader.hasDataset(name) else {
            return [problem("schema", "no dataset \(name) (expected \(dataset.kind.rawValue) "
                            + "\(dataset.shapeText))")]
        }
        var found: [CacheProblem] = []
        let kind = try? reader.elementKind(of: name)
        if kind != dataset.kind {
            found.append(problem("schema", "dataset \(name) is "
                                 + "\(kind.flatMap { $0 }?.rawValue ?? "of another type"), "
                                 + "expected \(dataset.kind.rawValue)"))
        }
        let shape = (try? reader.shape(of: name)) ?? []
        let fits = shape.count == dataset.dimensions.count + 1
            && shape.first == reader.sampleCount
            && zip(shape.dropFirst(), dataset.dimensions).allSatisfy { $1 == nil || $0 == $1 }
        if !fits {
            found.append(problem("schema", "dataset \(name) has shape \(shape), expected "
                                 + dataset.shapeText + " with N = \(reader.sampleCount)"))
        }
        if dataset.chunkPerSample, fits, reader.sampleCount > 0 {
            let chunk = (try? reader.chunkShape(of: name)).flatMap { $0 }
            let expected = [1] + shape.dropFirst().map { max($0, 1) }
            if chunk != expected {
                found.append(problem("schema", "dataset \(name) is chunked "
                                     + "\(chunk.map { "\($0)" } ?? "not at all"), expected "
                                     + "one sample per chunk \(expected)"))
            }
        }
        return found
    }

    private func problem(_ code: String, _ reason: String) -> CacheProblem {
        CacheProblem(path: path, code: code, reason: reason)
    }
}
