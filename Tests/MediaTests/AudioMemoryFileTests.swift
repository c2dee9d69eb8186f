import Foundation
import XCTest

@testable import Media

/// libsndfile reading a small file's bytes from memory (`AudioMemoryFile`, what
/// `AudioFile.open` does for files up to `AudioFileHead.wholeFileBytes`) decodes what it
/// decodes from the path: the same header, the same samples, the same errors.
final class AudioMemoryFileTests: XCTestCase {
    func testEveryFixtureDecodesAsFromItsPath() throws {
        let root = try AudioTestSupport.fixtureFolder
        let names = (FileManager.default.enumerator(atPath: root.path)?
            .compactMap { $0 as? String } ?? [])
            .filter { ["wav", "flac", "ogg", "opus"].contains(($0 as NSString).pathExtension) }
            .sorted()
        var compared = 0
        for name in names {
            let path = root.appendingPathComponent(name).path
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            guard let fromPath = try? AudioSoundFile(readingFrom: path) else {
                XCTAssertThrowsError(try AudioSoundFile(readingFrom: path, bytes: bytes), name)
                continue
            }
            let fromMemory = try AudioSoundFile(readingFrom: path, bytes: bytes)

            XCTAssertEqual(fromMemory.info.frames, fromPath.info.frames, name)
            XCTAssertEqual(fromMemory.info.samplerate, fromPath.info.samplerate, name)
            XCTAssertEqual(fromMemory.info.channels, fromPath.info.channels, name)
            XCTAssertEqual(fromMemory.info.format, fromPath.info.format, name)
            XCTAssertEqual(try samples(fromMemory), try samples(fromPath), name)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 15)
    }

    func testTextIsNotAudioWithLibsndfilesOwnMessage() throws {
        let dir = try AudioTestSupport.temporaryFolder(self)
        let path = try AudioTestSupport.write(Data("not a sound at all\n".utf8),
                                              named: "text.wav", in: dir)
        var fromPath: MediaError?
        XCTAssertThrowsError(try AudioSoundFile(readingFrom: path)) {
            fromPath = ($0 as? AudioSoundFile.OpenFailure)?.notAudio
        }
        XCTAssertThrowsError(try AudioSoundFile(readingFrom: path,
                                                bytes: Array("not a sound at all\n".utf8))) {
            let failure = $0 as? AudioSoundFile.OpenFailure
            XCTAssertEqual(failure?.notAudio.code, "not-audio")
            XCTAssertEqual(failure?.notAudio.reason, fromPath?.reason)
            XCTAssertEqual(failure?.recognised, false)
        }
        XCTAssertNotNil(fromPath)
    }

    func testOnlySmallRegularFilesAreReadWhole() throws {
        let dir = try AudioTestSupport.temporaryFolder(self)
        let small = try AudioTestSupport.write(Data(repeating: 7, count: 5_000),
                                               named: "small.bin", in: dir)
        let large = try AudioTestSupport.write(
            Data(repeating: 7, count: AudioFileHead.wholeFileBytes + 1), named: "large.bin",
            in: dir)

        XCTAssertEqual(try AudioFileHead(path: small).whole?.count, 5_000)
        XCTAssertNil(try AudioFileHead(path: large).whole)
    }

    func testLargeFilesDecodeFromTheCheckedDescriptorAndLeaveNoneOpen() throws {
        let dir = try AudioTestSupport.temporaryFolder(self)
        let speech = try AudioFile.read(path: AudioTestSupport.fixtureFolder
            .appendingPathComponent("ast16k-queue-callswaiting.wav").path).samples
        let long = dir.appendingPathComponent("long.wav").path
        try AudioFile.writeWAV16(path: long, samples: (0..<800_000).map {
            speech[$0 % speech.count]
        }, sampleRate: 16_000)
        let text = try AudioTestSupport.write(Data(repeating: 0x41, count: 2 << 20),
                                              named: "text.wav", in: dir)
        let before = try openDescriptors()

        let head = try AudioFileHead(path: long)
        XCTAssertNil(head.whole)
        let descriptor = try XCTUnwrap(head.descriptor)
        let fromDescriptor = try AudioSoundFile(readingFrom: long, descriptor: descriptor)
        let fromPath = try AudioSoundFile(readingFrom: long)
        XCTAssertEqual(fromDescriptor.info.frames, 800_000)
        XCTAssertEqual(try samples(fromDescriptor), try samples(fromPath))
        for _ in 0..<3 {
            XCTAssertThrowsError(try AudioFile.probe(path: text)) {
                XCTAssertEqual(($0 as? MediaError)?.code, "not-audio")
            }
        }

        // the two handles still hold their descriptors; the refused files hold none
        XCTAssertEqual(try openDescriptors(), before + 2)
        _ = (fromDescriptor, fromPath)
    }

    /// How many descriptors this process has open.
    private func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    /// Every frame of `file`, interleaved.
    private func samples(_ file: AudioSoundFile) throws -> [Float] {
        let channels = max(1, Int(file.info.channels))
        var out: [Float] = []
        var chunk = [Float](repeating: 0, count: 4_096 * channels)
        while true {
            let got = chunk.withUnsafeMutableBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return file.readFrames(into: base, frames: 4_096)
            }
            if got == 0 { return out }
            out += chunk[0..<(got * channels)]
        }
    }
}
