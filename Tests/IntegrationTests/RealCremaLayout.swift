import Foundation
import XCTest

/// The CREMA-D-layout folder that `tools/make_crema_real.py` builds from real recordings and
/// videos of Debian and PyPI packages (`tools/test.sh` builds it and sets AMSS_REAL_CREMA).
struct RealCremaLayout {
    /// One deliberately broken clip and the finding code it must produce.
    struct ExpectedFinding: Decodable {
        let id: String
        let code: String
    }

    let root: String
    let expected: [ExpectedFinding]

    /// Finds the layout or fails the test with what to run.
    static func locate(file: StaticString = #filePath, line: UInt = #line) throws
        -> RealCremaLayout {
        let repository = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let root = ProcessInfo.processInfo.environment["AMSS_REAL_CREMA"]
            ?? repository + "/tools/.media/crema-real"
        let manifest = root + "/EXPECTED.json"
        guard let data = FileManager.default.contents(atPath: manifest) else {
            XCTFail("no real-media layout at \(root): run tools/test.sh (or "
                    + "tools/fetch_media.sh && python3 tools/make_crema_real.py \(root) "
                    + "--with-bad)",
                    file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return RealCremaLayout(root: root, expected: try Self.decodeExpected(data))
    }

    private static func decodeExpected(_ data: Data) throws -> [ExpectedFinding] {
        if let list = try? JSONDecoder().decode([ExpectedFinding].self, from: data) {
            return list
        }
        struct Wrapped: Decodable { let bad: [ExpectedFinding] }
        return try JSONDecoder().decode(Wrapped.self, from: data).bad
    }
}
