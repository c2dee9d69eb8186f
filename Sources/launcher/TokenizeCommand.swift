import Console
import Foundation
import Text

/// `amss tokenize`: BERT WordPiece ids of each stdin line, for comparison with the reference.
enum TokenizeCommand {
    static let help = """
        usage: amss tokenize --vocab FILE [--max-length L] [--no-specials] [--json]
                             [--no-lower-case] [--strip-accents true|false]
                             [--no-tokenize-chinese-chars]

        Reads lines from stdin (the bytes up to each LF) and writes one line of ids per input
        line to stdout: space-separated, or a JSON array with --json. Ids are those of
        HuggingFace's pure-Python BertTokenizer with FILE as vocab.txt: `[CLS] … [SEP]`, no
        truncation and no padding. Ill-formed UTF-8 is read as U+FFFD (Python's
        errors='replace'), which the tokenizer's cleaning drops.

          --max-length L     cut to L ids and pad to L: [CLS] + at most L-2 pieces + [SEP],
                             padded with [PAD] (L >= 2)
          --no-specials      the reference training code's layout: no [CLS]/[SEP]; with
                             --max-length, cut to L pieces and pad with id 0 (L >= 1)
          --no-lower-case    keep case (cased vocabularies); accents are then kept too unless
                             --strip-accents true
          --strip-accents    force accent stripping on or off (default: as lower-casing)
          --no-tokenize-chinese-chars
                             do not put spaces around CJK ideographs

        Input is streamed: memory stays at a few MB whatever the number of lines; each line
        is held whole while it is tokenized (a 100 MB line takes about 400 MB).
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(
            words, valued: ["vocab", "max-length", "strip-accents"],
            allowedFlags: ["help", "no-specials", "json", "no-lower-case",
                           "no-tokenize-chinese-chars"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.isEmpty else {
            throw UsageError("tokenize takes no positional arguments\n\n\(help)")
        }
        guard let vocabularyPath = arguments.options["vocab"] else {
            throw UsageError("tokenize needs --vocab FILE\n\n\(help)")
        }
        let layout: SequenceLayout = arguments.flag("no-specials") ? .reference : .huggingFace
        let maxLength: Int? = try arguments.options["max-length"].map { _ in
            try arguments.integer("max-length", default: 0,
                                  in: (layout == .huggingFace ? 2 : 1)...1_000_000)
        }
        var stripAccents: Bool?
        if let text = arguments.options["strip-accents"] {
            guard let value = Bool(text) else {
                throw UsageError("--strip-accents must be true or false, got '\(text)'")
            }
            stripAccents = value
        }
        let options = TokenizerOptions(
            doLowerCase: !arguments.flag("no-lower-case"), stripAccents: stripAccents,
            tokenizeChineseChars: !arguments.flag("no-tokenize-chinese-chars"))

        let tokenizer = try BertTokenizer(vocabularyFile: vocabularyPath, options: options)
        var lines = LineTokenizer(tokenizer: tokenizer, layout: layout, maxLength: maxLength,
                                  format: arguments.flag("json") ? .json : .plain)
        _ = try lines.run(input: STDIN_FILENO, output: STDOUT_FILENO)
        return 0
    }
}
