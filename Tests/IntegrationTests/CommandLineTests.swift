import Foundation
import XCTest

/// The `amss` executable as users call it: exit codes, stdout/stderr contracts.
final class CommandLineTests: XCTestCase {
    /// The `amss` binary built beside the test bundle.
    private var executable: String {
        let bundle = Bundle(for: CommandLineTests.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map {
            $0.appendingPathComponent("amss").path
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? candidates[0]
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                String(decoding: errData, as: UTF8.self))
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try run(["frobnicate"]).status, 2)
        XCTAssertEqual(try run([]).status, 2)
        XCTAssertEqual(try run(["validate", "crema"]).status, 2)
        XCTAssertEqual(try run(["validate", "nosuchset", "/tmp"]).status, 2)
        XCTAssertEqual(try run(["prep", "crema", "/tmp", "--bogus"]).status, 2)
        XCTAssertEqual(try run(["train", "x", "--method", "sgd"]).status, 2)
        XCTAssertEqual(try run(["validate", "--help"]).status, 0)
    }

    func testFailuresExitOneNamingThePath() throws {
        let missing = NSTemporaryDirectory() + "amss-no-such-root-\(UUID().uuidString)"
        let validate = try run(["validate", "crema", missing])
        XCTAssertEqual(validate.status, 1)
        XCTAssertTrue(validate.out.contains(missing))

        let prep = try run(["prep", "crema", missing, "--cache", missing + "-cache", "--quiet"])
        XCTAssertEqual(prep.status, 1)
        XCTAssertTrue(prep.err.contains(missing), prep.err)

        let train = try run(["train", missing, "--epochs", "1"])
        XCTAssertEqual(train.status, 1)
        XCTAssertTrue(train.err.contains("manifest"), train.err)

        let json = try run(["prep", "crema", missing, "--json", "--quiet"])
        XCTAssertEqual(json.status, 1)
        let lines = json.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "a failed --json command prints one JSON line")
        let object = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8))
            as? [String: Any]
        XCTAssertEqual(object?["ok"] as? Bool, false)
        XCTAssertEqual((object?["error"] as? [String: Any])?["path"] as? String, missing)
    }

    func testValidateOnRealLayoutReportsEveryPlantedProblem() throws {
        let layout = try RealCremaLayout.locate()
        let text = try run(["validate", "crema", layout.root])
        XCTAssertEqual(text.status, 1, "planted errors must make validate exit 1")
        for bad in layout.expected {
            XCTAssertTrue(text.out.contains("(\(bad.code))"), "no \(bad.code) line")
        }

        let json = try run(["validate", "crema", layout.root, "--json"])
        XCTAssertEqual(json.status, 1)
        let lines = json.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "--json prints exactly one line")
        let object = try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8))
            as? [String: Any]
        XCTAssertGreaterThanOrEqual(object?["errors"] as? Int ?? 0, layout.expected.count)
        let findings = object?["findings"] as? [[String: Any]] ?? []
        XCTAssertTrue(findings.allSatisfy { Set($0.keys) == ["path", "id", "code", "severity",
                                                             "message"] })
    }
}
