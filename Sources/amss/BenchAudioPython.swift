import Console
import Foundation
import Media
import Pipeline

/// The librosa side of `amss bench audio`: `tools/bench/audio.py` on the same files.
enum BenchAudioPython {
    /// The script's one-line JSON report.
    struct Result: Codable {
        let librosa: String
        let clips: Int
        let seconds: Double
        let clipsPerSecond: Double
        let msPerClip: Double
        let cpuMsPerClip: Double
        let shape: [Int]
        let stepsMsPerClip: [String: Double]

        enum CodingKeys: String, CodingKey {
            case librosa, clips, seconds, shape
            case clipsPerSecond = "clips_per_second", msPerClip = "ms_per_clip"
            case cpuMsPerClip = "cpu_ms_per_clip"
            case stepsMsPerClip = "steps_ms_per_clip"
        }
    }

    /// Runs `python3 script --files LIST --config JSON --passes N` and decodes its last line.
    static func run(script: String, files: [String], config: AudioConfig,
                    passes: Int) throws -> Result {
        guard FileManager.default.fileExists(atPath: script) else {
            throw UsageError("no Python reference script at \(script); pass --python")
        }
        let list = NSTemporaryDirectory() + "amss-bench-audio-\(getpid()).txt"
        try (files.joined(separator: "\n") + "\n").write(toFile: list, atomically: true,
                                                           encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: list) }
        let configJSON = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--files", list, "--config", configJSON,
                             "--passes", String(passes)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PipelineError(path: script, code: "bench",
                                reason: "exited with \(process.terminationStatus)")
        }
        let last = String(decoding: output, as: UTF8.self)
            .split(separator: "\n").last.map(String.init) ?? ""
        do {
            return try JSONDecoder().decode(Result.self, from: Data(last.utf8))
        } catch {
            throw PipelineError(path: script, code: "bench",
                                reason: "cannot read its report line '\(last)': \(error)")
        }
    }
}
