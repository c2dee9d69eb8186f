import Foundation

/// The Twitter15 (multimodal aspect sentiment) layout used by the AMSS image–text code.
///
/// ```
/// root/annotations/{train,valid,test}_data.tsv   (or {train,test}.tsv, or TomBERT's
///                                                  {train,dev,test}.tsv)
/// root/Twitter15/twitter2015_images/<ImageID>
/// ```
/// Tables are tab-separated with a header naming `Label` (0 negative, 1 neutral, 2 positive),
/// `String` and `ImageID`. TomBERT's form repeats `String`: its sentence holds `$T$`, replaced
/// by the target from the second `String` column before tokenizing.
public struct Twitter15Layout: DatasetLayout {
    /// The classes in index order.
    public static let classes = ["negative", "neutral", "positive"]
    /// The images folder, relative to the root.
    public static let images = "Twitter15/twitter2015_images"

    public let name = "twitter15"
    public let modalities = ["text", "image"]

    /// Makes the layout.
    public init() {}

    public func scan(root: String) -> LayoutScan { scanTextImage(root: root).layoutScan }

    /// Lists the samples, with their texts, and every problem, without decoding images.
    public func scanTextImage(root: String) -> SarcasmTwitterScan {
        guard let base = DatasetRoot(path: root) else {
            return SarcasmTwitterScan(samples: [], findings: [Self.rootFinding(root)],
                                      classes: Self.classes, missingImages: [:])
        }
        var findings: [Finding] = []
        let files = TwitterAnnotations.files(in: base)
        guard !files.isEmpty else {
            findings.append(Finding(path: "annotations", id: "", code: "missing",
                                    severity: .error, message: "no annotation table found "
                                        + "(expected annotations/train_data.tsv, train.tsv …)"))
            return TwitterAnnotations.result([], findings: findings, classes: Self.classes)
        }
        let checkers = TwitterAnnotations.scan(root: base, files: files, images: Self.images,
                                               classes: Self.classes, findings: &findings)
        return TwitterAnnotations.result(checkers, findings: findings, classes: Self.classes)
    }

    /// The finding for a root that is missing or not a folder.
    static func rootFinding(_ root: String) -> Finding {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: root, isDirectory: &isFolder)
        return Finding(path: root, id: "", code: exists ? "not-a-folder" : "missing",
                       severity: .error, message: exists
                           ? "the dataset root is a file, not a folder"
                           : "the dataset root does not exist")
    }
}
