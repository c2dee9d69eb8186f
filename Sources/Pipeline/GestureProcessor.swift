import Cache
import Datasets
import Foundation
import Media

/// One gesture's cached features.
struct PreparedGesture {
    let id: String
    let label: Int
    /// uint8 [T, H, W, 3].
    let rgb: [UInt8]
    /// uint8 [T, H, W].
    let depth: [UInt8]
    /// float16 bit patterns [T, H, W, 2], or nil without flow.
    let flow: [UInt16]?
    /// Whether `flow` was computed from the frames (not read from a flow file).
    let flowComputed: Bool
}

/// Runs the NVGesture stages for samples, one worker thread per instance: RGB and depth frames
/// of each sensor's own range, then the flow as `config.flow` says (read from the sample's
/// flow file, computed from the frames, or none).
final class GestureProcessor {
    private let config: GestureConfig
    private let reader: GestureFrameReader
    private let flowMethod: GestureFlow
    private let rootReal: String
    /// Seconds spent per stage so far (`rgb`, `depth`, `flow read`, `flow compute`).
    private(set) var seconds: [String: Double] = [:]

    init(config: GestureConfig, rootReal: String) throws {
        self.config = config
        reader = try GestureFrameReader(count: config.frames, width: config.width,
                                        height: config.height, scaler: config.scaler)
        flowMethod = try GestureFlow()
        self.rootReal = rootReal
    }

    /// The sample's features, or the record of why it was rejected.
    func process(_ gesture: NVGestureSample) -> Result<PreparedGesture, RejectedSample> {
        let sample = gesture.sample
        var frames: [String: GestureFrames] = [:]
        for (key, channels) in [("rgb", GestureFrameReader.Channels.rgb), ("depth", .gray)] {
            guard let path = sample.sources[key], let range = gesture.ranges[key] else {
                return .failure(reject(sample, path: "", code: "missing",
                                       reason: "no \(key) source"))
            }
            do {
                let started = SpectrogramTimings.now()
                frames[key] = try reader.read(path: path, range: range, channels: channels)
                seconds[key, default: 0] += SpectrogramTimings.now() - started
            } catch let error as MediaError {
                return .failure(reject(sample, path: error.path.isEmpty ? path : error.path,
                                       code: error.code, reason: error.reason))
            } catch {
                return .failure(reject(sample, path: path, code: "failed", reason: "\(error)"))
            }
        }

        var flow: [UInt16]?
        var computed = false
        let started = SpectrogramTimings.now()
        if config.flow == "precomputed", let path = sample.sources["flow"] {
            do {
                flow = try FlowField.read(path: path).resampled(
                    frames: config.frames, width: config.width, height: config.height)
            } catch let error as PipelineError {
                return .failure(reject(sample, path: path, code: error.code,
                                       reason: error.reason))
            } catch {
                return .failure(reject(sample, path: path, code: "failed", reason: "\(error)"))
            }
            seconds["flow read", default: 0] += SpectrogramTimings.now() - started
        } else if config.flow != "none", let source = frames[config.flowFrom] {
            do {
                flow = try flowMethod.compute(source)
                computed = true
            } catch let error as MediaError {
                return .failure(reject(sample, path: sample.sources[config.flowFrom] ?? "",
                                       code: error.code, reason: error.reason))
            } catch {
                return .failure(reject(sample, path: "", code: "failed", reason: "\(error)"))
            }
            seconds["flow compute", default: 0] += SpectrogramTimings.now() - started
        }
        return .success(PreparedGesture(id: sample.id, label: sample.label,
                                        rgb: frames["rgb"]?.pixels ?? [],
                                        depth: frames["depth"]?.pixels ?? [], flow: flow,
                                        flowComputed: computed))
    }

    private func reject(_ sample: Sample, path: String, code: String,
                        reason: String) -> RejectedSample {
        let relative = path.hasPrefix(rootReal + "/") ? String(path.dropFirst(rootReal.count + 1))
            : path
        return RejectedSample(id: sample.id, path: relative, code: code, reason: reason)
    }
}
