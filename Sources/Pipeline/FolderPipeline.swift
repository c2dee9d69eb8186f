import Cache
import Datasets
import Foundation
import Media

/// The pipeline configuration of a dataset described by a layout file.
public enum FolderPipeline {
    /// The built-in settings (`pipelines/crema.json`'s stages) named after the layout, with the
    /// layout's `pipeline` section laid over them and the whole layout file recorded.
    ///
    /// A bad `pipeline` section is a `FolderLayoutError` at key path `pipeline`.
    public static func config(for file: FolderLayoutFile) throws -> PipelineConfig {
        var config = PipelineConfig(dataset: file.name, audio: AudioConfig(),
                                    frames: FrameConfig())
        // The recorded layout decides the inputs, hence which sections `pipeline` may hold.
        let layout = try JSONDecoder().decode(JSONValue.self, from: file.canonicalJSON)
        config.layout = layout
        do {
            if let section = file.pipeline {
                config = try PipelineConfig.load(data: section, path: file.path, over: config)
            }
            config = try config.validated(path: file.path)
        } catch let error as PipelineError {
            throw FolderLayoutError(file: file.path, keyPath: "pipeline", reason: error.reason)
        }
        config.layout = layout
        return config
    }

    /// The layout and its configuration from the layout file at `path`.
    public static func load(path: String) throws -> (layout: FolderLayout,
                                                      config: PipelineConfig) {
        let file = try FolderLayoutFile.load(path: path)
        return (FolderLayout(file: file), try config(for: file))
    }
}
