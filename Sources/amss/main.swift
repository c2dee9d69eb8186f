import Foundation

/// The entry point: dispatch to a subcommand; exit 0 ok, 1 failure, 2 usage error.
let usage = """
    usage: amss <command> [options]     (amss <command> --help for details)

    commands:
      validate <dataset> <root>   check a dataset folder and name every problem
      prep <dataset> <root>       prepare HDF5 feature shards and a manifest under cache/
      train <cache-folder>        train on prepared shards (joint, AMSS, AMSS+)
      demo                        make a small synthetic CREMA-D sample, prep it, train on it
      bench prep <root>           time `amss prep` against tools/bench/prep.py on one layout
      bench audio <files>         time the audio stage against librosa on the same files
    """

let words = Array(CommandLine.arguments.dropFirst())
let commands: [String: ([String]) throws -> Int32] = [
    "validate": ValidateCommand.run,
    "prep": PrepCommand.run,
    "train": TrainCommand.run,
    "demo": DemoCommand.run,
    "bench": BenchCommand.run,
]

do {
    guard let name = words.first, name != "--help", name != "-h", name != "help" else {
        Output.line(usage)
        exit(words.isEmpty ? 2 : 0)
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
    exit(2)
} catch {
    Output.error("amss: \(error)")
    exit(1)
}
