import Cache
import Console
import Media
import Pipeline

extension Output {
    /// The `--json` failure line of `error`, with the code and path of our typed errors.
    static func failureJSON(_ error: Error, when words: [String]) {
        switch error {
        case let error as PipelineError:
            failureJSON(code: error.code, path: error.path, message: error.reason, when: words)
        case let error as CacheError:
            failureJSON(code: error.code, path: error.path, message: error.reason, when: words)
        case let error as MediaError:
            failureJSON(code: error.code, path: error.path, message: error.reason, when: words)
        case let error as UsageError:
            failureJSON(code: "usage", path: "", message: error.description, when: words)
        default:
            failureJSON(code: "failed", path: "", message: "\(error)", when: words)
        }
    }
}
