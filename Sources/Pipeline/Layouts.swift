import Datasets

/// The dataset layouts the command line knows, by name.
public enum Layouts {
    /// The names accepted by `validate` and `prep`.
    public static let names = [
        "crema", "ks", "nvgesture", "folder", "sarcasm", "twitter15",
    ]

    /// The canonical name of a dataset alias (`crema-d` → `crema`).
    public static func canonicalName(_ name: String) -> String {
        named(name)?.name ?? name
    }

    /// The layout called `name`, or nil (also for `folder`, which needs its layout file:
    /// `FolderPipeline.load(path:)`).
    public static func named(_ name: String) -> DatasetLayout? {
        switch name {
        case "crema", "cremad", "crema-d": return CremaLayout()
        case "ks", "kinetics-sounds", "kinetics_sound": return KineticsSoundsLayout()
        case "nvgesture", "nvgesture-v2": return NVGestureLayout()
        case "sarcasm": return SarcasmLayout()
        case "twitter15", "twitter-15", "twitter2015": return Twitter15Layout()
        default: return nil
        }
    }

    /// The layout called `name` with the class settings of `config` where it has any.
    public static func named(_ name: String, config: PipelineConfig) -> DatasetLayout? {
        guard let layout = named(name) else { return nil }
        guard layout is KineticsSoundsLayout else { return layout }
        var options = KineticsSoundsOptions()
        options.expectedClasses = config.classes
        options.classOrder = config.classOrder.flatMap(KineticsSoundsOptions.ClassOrder.init)
            ?? .sorted
        options.classNamesFile = config.classNames
        options.labelBase = config.labelBase ?? 0
        return KineticsSoundsLayout(options: options)
    }
}
