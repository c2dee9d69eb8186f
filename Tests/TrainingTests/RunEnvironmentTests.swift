import Foundation
import XCTest
@testable import Training

/// The git revision and library versions `config.json` records.
final class RunEnvironmentTests: XCTestCase {
    private let hash = String(repeating: "ab12", count: 10)

    private func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func testGitRevisionFromLooseAndPackedRefsAndWorktrees() throws {
        let root = SyntheticClips.temporaryFolder("git")
        // A checkout whose HEAD names a loose ref; the binary lies two folders down.
        try write("ref: refs/heads/main\n", root + "/a/.git/HEAD")
        try write(hash + "\n", root + "/a/.git/refs/heads/main")
        try write("", root + "/a/.build/release/amss")
        XCTAssertEqual(RunEnvironment.gitRevision(near: root + "/a/.build/release/amss"), hash)

        // A packed ref.
        let packed = String(repeating: "cd34", count: 10)
        try write("ref: refs/heads/dev\n", root + "/b/.git/HEAD")
        try write("# pack-refs with: peeled\n\(packed) refs/heads/dev\n",
                  root + "/b/.git/packed-refs")
        XCTAssertEqual(RunEnvironment.gitRevision(near: root + "/b/tool"), packed)

        // A worktree: `.git` is a file naming its folder, whose refs live in the common one.
        try write("gitdir: \(root)/a/.git/worktrees/w\n", root + "/w/.git")
        try write("ref: refs/heads/main\n", root + "/a/.git/worktrees/w/HEAD")
        try write("../..\n", root + "/a/.git/worktrees/w/commondir")
        XCTAssertEqual(RunEnvironment.gitRevision(near: root + "/w/bin/amss"), hash)

        // A detached HEAD holds the hash itself; outside any checkout there is none.
        try write(packed + "\n", root + "/c/.git/HEAD")
        XCTAssertEqual(RunEnvironment.gitRevision(near: root + "/c/x"), packed)
        XCTAssertNil(RunEnvironment.gitRevision(near: "/proc/self/status"))
    }

    /// The linked HDF5 and OpenBLAS report versions of the form the Debian packages have.
    func testTrainingLibrariesAreNamed() {
        let libraries = RunEnvironment.trainingLibraries
        XCTAssertNotNil(libraries["hdf5"]?.range(of: #"^\d+\.\d+\.\d+$"#,
                                                 options: .regularExpression))
        XCTAssertTrue(libraries["openblas"]?.hasPrefix("OpenBLAS ") ?? false,
                      "\(libraries)")
    }

    /// config.json carries the environment given to the run, and null git revision as null.
    func testConfigurationRecordsTheEnvironment() throws {
        var options = TrainOptions(out: SyntheticClips.temporaryFolder("env"))
        options.epochs = 1
        options.batchSize = 16
        options.width = 1.0 / 16
        options.threads = 1
        options.maxBatchesPerEpoch = 1
        let environment = RunEnvironment(toolVersion: "9.9", gitRevision: nil,
                                         libraries: ["hdf5": "1.2.3"])
        _ = try Trainer(data: try SyntheticClips.data(), options: options)
            .run(environment: environment) { _ in }
        let config = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(
            contentsOf: URL(fileURLWithPath: options.out + "/config.json"))) as? [String: Any])
        let saved = try XCTUnwrap(config["environment"] as? [String: Any])
        XCTAssertEqual(saved["tool_version"] as? String, "9.9")
        XCTAssertTrue(saved["git_revision"] is NSNull)
        XCTAssertEqual(saved["libraries"] as? [String: String], ["hdf5": "1.2.3"])
    }
}
