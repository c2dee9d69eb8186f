import Console
import Foundation

/// The entry point: dispatch to a subcommand; exit 0 ok, 1 failure, 2 usage error.
let usage = """
    usage: amss <command> [options]     (amss <command> --help for details)

    commands:
      validate <dataset> <root>   check a dataset folder and name every problem
      prep <dataset> <root>       prepare HDF5 feature shards and a manifest under cache/
      validate|prep folder <root> --layout FILE   the same for a layout described by a JSON file
      cache inspect|verify|merge|ls|gc   look into, check, join and tidy cache folders
      train <cache-folder>        train on prepared shards (AMSS, AMSS+, baselines)
      eval <run-folder>           evaluate a run's best model on a split of its cache
      report <run-folder>…        an HTML page with plots (and a comparison of several runs)
      demo                        make a small synthetic CREMA-D sample, prep it, train on it
      tokenize --vocab FILE       BERT WordPiece ids of each stdin line (as HF's BertTokenizer)
      bench prep <root>           time `amss prep` against tools/bench/prep.py on one layout
      bench tokenize              time `amss tokenize` against HF tokenizers and the Python one
      bench read <cache-folder>   samples/s reading shuffled batches, against h5py
      bench frames <folder>       time frame extraction against ffmpeg-to-JPEG + PIL
      bench train                 time the mask step inside a training step (widths 1, 0.25)
      bench learning              the learning check on the demo data over three seeds
      bench audio <files>         time the audio stage against librosa on the same files
    """

let words = Array(CommandLine.arguments.dropFirst())
let commands: [String: ([String]) throws -> Int32] = [
    "validate": ValidateCommand.run,
    "prep": PrepCommand.run,
    "cache": CacheCommand.run,
    "train": TrainCommand.run,
    "eval": EvalCommand.run,
    "report": ReportCommand.run,
    "demo": DemoCommand.run,
    "bench": BenchCommand.run,
]

do {
    guard let name = words.first else {
        throw UsageError("no command given\n\n\(usage)")
    }
    if ["--help", "-h", "help"].contains(name) {
        Output.line(usage)
        exit(0)
    }
    if name == "--version" {
        Output.line("amss 0.1.0")
        exit(0)
    }
    guard let command = commands[name] else {
        throw UsageError("unknown command '\(name)'\n\n\(usage)")
    }
    exit(try command(Array(words.dropFirst())))
} catch let error as UsageError {
    Output.error("amss: \(error.description)")
    Output.failureJSON(error, when: words)
    exit(2)
} catch {
    Output.error("amss: \(error)")
    Output.failureJSON(error, when: words)
    exit(1)
}
