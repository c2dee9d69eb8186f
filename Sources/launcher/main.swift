import Console
import Foundation
import Text

// The `amss` command: `tokenize` runs here, in a binary that links only the tokenizer, so that
// its start-up stays a few milliseconds; every other command is `amss-core` beside this file
// (it links FFmpeg, HDF5, OpenBLAS …, whose loading alone costs tens of milliseconds).

let words = Array(CommandLine.arguments.dropFirst())

if words.first == "tokenize" {
    do {
        exit(try TokenizeCommand.run(Array(words.dropFirst())))
    } catch let error as UsageError {
        Output.error("amss: \(error.description)")
        Output.failureJSON(code: "usage", path: "", message: error.description, when: words)
        exit(2)
    } catch let error as TextError {
        Output.error("amss: \(error)")
        Output.failureJSON(code: "failed", path: error.path, message: error.reason,
                           when: words)
        exit(1)
    } catch {
        Output.error("amss: \(error)")
        Output.failureJSON(code: "failed", path: "", message: "\(error)", when: words)
        exit(1)
    }
}

let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    ?? CommandLine.arguments[0]
let core = (own as NSString).deletingLastPathComponent + "/amss-core"
var arguments: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
arguments.append(nil)
execv(core, arguments)
Output.error("amss: \(core): cannot start the amss commands: " + String(cString: strerror(errno))
             + " (build with `swift build -c release`)")
exit(1)
