/// A CREMA-D clip name `AAAA_SSS_EEE_LL`: actor 1001–1091, sentence, emotion, level.
public struct CremaClipName: Equatable {
    /// The 12 sentence codes of the corpus.
    public static let sentences: Set<String> = [
        "DFA", "IEO", "IOM", "ITH", "ITS", "IWL", "IWW", "MTI", "TAI", "TIE", "TSI", "WSI",
    ]
    /// The emotion codes in class-index order.
    public static let emotions = ["NEU", "HAP", "SAD", "FEA", "DIS", "ANG"]
    /// The intensity levels.
    public static let levels: Set<String> = ["LO", "MD", "HI", "XX"]

    public let actor: Int
    public let sentence: String
    public let emotion: String
    public let level: String

    /// Parses `name`; nil with the reason when it is not a valid clip name.
    public static func parse(_ name: String) -> Result<CremaClipName, NameError> {
        let parts = name.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else {
            return .failure(NameError(reason: "expected 4 parts AAAA_SSS_EEE_LL, found "
                + "\(parts.count)"))
        }
        guard parts[0].count == 4, let actor = Int(parts[0]), (1001...1091).contains(actor) else {
            return .failure(NameError(reason: "actor '\(parts[0])' is not 1001–1091"))
        }
        guard sentences.contains(parts[1]) else {
            return .failure(NameError(reason: "sentence '\(parts[1])' is not one of the 12 codes"))
        }
        guard emotions.contains(parts[2]) else {
            return .failure(NameError(reason: "emotion '\(parts[2])' is not one of "
                + emotions.joined(separator: " ")))
        }
        guard levels.contains(parts[3]) else {
            return .failure(NameError(reason: "level '\(parts[3])' is not LO, MD, HI or XX"))
        }
        return .success(CremaClipName(actor: actor, sentence: parts[1], emotion: parts[2],
                                      level: parts[3]))
    }

    /// Why a clip name is invalid.
    public struct NameError: Error, Equatable {
        public let reason: String
    }
}
