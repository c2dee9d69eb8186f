import Datasets

/// The dataset layouts the command line knows, by name.
public enum Layouts {
    /// The names accepted by `validate` and `prep`.
    public static let names = ["crema", "folder", "sarcasm", "twitter15"]

    /// The canonical name of a dataset alias (`crema-d` → `crema`).
    public static func canonicalName(_ name: String) -> String {
        named(name)?.name ?? name
    }

    /// The layout called `name`, or nil (also for `folder`, which needs its layout file:
    /// `FolderPipeline.load(path:)`).
    public static func named(_ name: String) -> DatasetLayout? {
        switch name {
        case "crema", "cremad", "crema-d": return CremaLayout()
        case "sarcasm": return SarcasmLayout()
        case "twitter15", "twitter-15", "twitter2015": return Twitter15Layout()
        default: return nil
        }
    }
}
