import Foundation
import XCTest
@testable import Cache

/// One writer per folder and per part, named when refused; the kernel frees a killed holder's
/// lock.
final class CacheLockTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try CacheFixture.folder("lock")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testSecondWholeFolderWriterIsRefusedWithThePid() throws {
        let first = try CacheLock(folder: folder)
        XCTAssertThrowsError(try CacheLock(folder: folder)) { error in
            let cacheError = error as? CacheError
            XCTAssertEqual(cacheError?.code, "locked")
            XCTAssertTrue(cacheError?.reason.contains("pid \(getpid()) on ") ?? false,
                          "\(String(describing: cacheError))")
        }
        XCTAssertTrue(CacheLock.isHeld(folder: folder))
        withExtendedLifetime(first) {}
    }

    func testPartsRunSideBySideButEachPartHasOneWriter() throws {
        do {
            let zero = try CacheLock(folder: folder, part: (0, 2))
            let one = try CacheLock(folder: folder, part: (1, 2))
            XCTAssertThrowsError(try CacheLock(folder: folder, part: (1, 2))) { error in
                XCTAssertEqual((error as? CacheError)?.code, "locked")
                XCTAssertTrue((error as? CacheError)?.reason.contains("part 1/2") ?? false)
            }
            XCTAssertThrowsError(try CacheLock(folder: folder)) { error in
                let reason = (error as? CacheError)?.reason ?? ""
                XCTAssertTrue(reason.contains("part 0/2: pid \(getpid())"), reason)
                XCTAssertTrue(reason.contains("part 1/2: pid \(getpid())"), reason)
            }
            withExtendedLifetime((zero, one)) {}
        }
        XCTAssertNoThrow(try CacheLock(folder: folder), "both parts released their locks")
    }

    /// A process holding the lock is SIGKILLed: the kernel drops its flock and the next writer
    /// gets the lock at once.
    func testKilledHolderNeverBlocksTheNextWriter() throws {
        let flockTool = "/usr/bin/flock"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: flockTool),
                          "util-linux flock(1) is not installed")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: flockTool)
        holder.arguments = ["--exclusive", "--no-fork", CacheLock.folderLockPath(folder),
                            "sleep", "30"]
        try holder.run()
        let deadline = Date().addingTimeInterval(10)
        while !CacheLock.isHeld(folder: folder) && Date() < deadline { usleep(10_000) }
        XCTAssertThrowsError(try CacheLock(folder: folder))

        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        XCTAssertNoThrow(try CacheLock(folder: folder))
    }
}
