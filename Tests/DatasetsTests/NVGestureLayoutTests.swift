import Foundation
import XCTest
@testable import Datasets

/// NVGesture folders built file by file: videos per sensor, flow files, findings.
final class NVGestureLayoutTests: XCTestCase {
    private var layout: TemporaryLayout!

    override func setUpWithError() throws { layout = try TemporaryLayout() }
    override func tearDown() { layout.remove() }

    private static let avi = Data(Array("RIFF\0\0\0\0AVI LIST".utf8))

    private func line(_ folder: String, label: Int, start: Int = 10, end: Int = 90) -> String {
        "path:./Video_data/\(folder) depth:sk_depth:\(start):\(end) "
            + "color:sk_color:\(start):\(end) duo_left:duo_left:1:2 label:\(label)"
    }

    private func addGesture(_ folder: String) throws {
        try layout.write("Video_data/\(folder)/sk_color.avi", Self.avi)
        try layout.write("Video_data/\(folder)/sk_depth.avi", Self.avi)
    }

    /// A version-1 .npy header for a float16 array of `shape`.
    private static func npy(shape: [Int]) -> Data {
        let dims = shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '<f2', 'fortran_order': False, 'shape': (\(dims)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        return data
    }

    func testSamplesCarryRangesSourcesAndFlow() throws {
        try layout.write("nvgesture_train_correct_v2.lst", text: [
            line("class_03/subject1_r0", label: 3, start: 5, end: 85),
            line("class_07/subject2_r1", label: 7),
        ].joined(separator: "\r\n") + "\r\n")
        try layout.write("nvgesture_test_correct_v2.lst", text: line("class_03/subject9_r0",
                                                                     label: 3) + "\n")
        for folder in ["class_03/subject1_r0", "class_07/subject2_r1", "class_03/subject9_r0"] {
            try addGesture(folder)
        }
        try layout.write("Video_data/flow_data/train/1.npy", Self.npy(shape: [240, 320, 2, 80]))
        let scan = NVGestureLayout().scanGestures(root: layout.root)
        XCTAssertEqual(scan.findings, [])
        XCTAssertEqual(scan.classes.count, 25)
        XCTAssertEqual(scan.classes.first, "class_01")
        XCTAssertEqual(scan.samples.map(\.sample.id), ["class_03/subject1_r0",
                                                       "class_07/subject2_r1",
                                                       "class_03/subject9_r0"])
        XCTAssertEqual(scan.samples.map(\.sample.label), [2, 6, 2])
        XCTAssertEqual(scan.samples.map(\.sample.split), ["train", "train", "test"])
        XCTAssertEqual(scan.samples.first?.ranges, ["rgb": 5..<85, "depth": 5..<85])
        let real = try XCTUnwrap(DatasetRoot(path: layout.root)).real
        XCTAssertEqual(scan.samples[0].sample.sources, [
            "rgb": real + "/Video_data/class_03/subject1_r0/sk_color.avi",
            "depth": real + "/Video_data/class_03/subject1_r0/sk_depth.avi"])
        XCTAssertEqual(scan.samples[1].sample.sources["flow"],
                       real + "/Video_data/flow_data/train/1.npy")
        XCTAssertEqual(scan.samples.map(\.position), [0, 1, 0])
    }

    func testMissingFilesBadFlowAndMismatchedLabels() throws {
        try layout.write("nvgesture_train_correct_v2.lst", text: [
            line("class_01/subject1_r0", label: 1),
            line("class_02/subject1_r0", label: 2),
            line("class_04/subject1_r0", label: 5),
            line("class_01/subject1_r0", label: 1),
            "path:./Video_data/class_09/subject1_r0 label:9",
        ].joined(separator: "\n"))
        try layout.write("nvgesture_test_correct_v2.lst", text: "\n")
        try layout.write("Video_data/class_01/subject1_r0/sk_color.avi", Self.avi)
        try layout.write("Video_data/class_01/subject1_r0/sk_depth.avi", Data())
        try addGesture("class_02/subject1_r0")
        try layout.write("Video_data/flow_data/train/1.npy", Self.npy(shape: [240, 320, 80]))
        let scan = NVGestureLayout().scanGestures(root: layout.root)
        XCTAssertEqual(scan.samples, [])
        XCTAssertEqual(scan.findings.map(\.code), [
            "missing-sensor", "empty-media", "bad-flow", "label-mismatch", "duplicate-id",
            "empty-split",
        ])
        XCTAssertEqual(scan.findings.map(\.path), [
            "nvgesture_train_correct_v2.lst:5",
            "Video_data/class_01/subject1_r0/sk_depth.avi",
            "Video_data/flow_data/train/1.npy",
            "nvgesture_train_correct_v2.lst:3",
            "nvgesture_train_correct_v2.lst:4",
            "nvgesture_test_correct_v2.lst",
        ])
    }

    func testMissingVideoAndMissingList() throws {
        try layout.write("nvgesture_train_correct_v2.lst", text: line("class_01/s_r0", label: 1))
        try layout.write("Video_data/class_01/s_r0/sk_color.avi", Self.avi)
        let scan = NVGestureLayout().scanGestures(root: layout.root)
        XCTAssertEqual(scan.findings.map(\.code), ["missing", "missing"])
        XCTAssertEqual(scan.findings.map(\.path), ["Video_data/class_01/s_r0/sk_depth.avi",
                                                   "nvgesture_test_correct_v2.lst"])
    }

    func testNPYHeaderShapes() throws {
        try layout.write("a.npy", Self.npy(shape: [4, 5, 2, 7]))
        try layout.write("b.npy", Data("not numpy".utf8))
        let header = try NPYHeader.read(path: layout.root + "/a.npy").get()
        XCTAssertEqual(header.descr, "<f2")
        XCTAssertEqual(header.shape, [4, 5, 2, 7])
        // 10 magic/length bytes + a 66-character dict, padded to the next multiple of 64.
        XCTAssertEqual(header.dataOffset, 128)
        XCTAssertFalse(header.fortranOrder)
        guard case .failure = NPYHeader.read(path: layout.root + "/b.npy") else {
            return XCTFail("accepted a text file")
        }
    }
}
