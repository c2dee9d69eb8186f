// swift-tools-version:5.9
// amss: verified multimodal feature caches and the AMSS / AMSS+ masked-subnetwork optimizer.
import Foundation
import PackageDescription

/// Release builds of numeric code need the optimizer; `-Ounchecked` is not used so that
/// bounds checks still catch indexing mistakes.
let numericFlags: [SwiftSetting] = [.unsafeFlags(["-O"])]

/// The media kernels (window, spectrum split, log, transposition, sample conversion) are vector
/// loops: they are compiled for the vector unit of the machine that builds them, which is the
/// machine that runs them, since SwiftPM builds from source. They are element-wise IEEE
/// arithmetic, which Swift neither contracts into fused multiply-adds nor reassociates, so
/// wider vectors give the same bits (MediaTests compare against fixed references). To build
/// on one machine for others (a cluster's login node for its compute nodes), set
/// `AMSS_TARGET_CPU` to an LLVM CPU name they all have, such as `x86-64` or `haswell`.
let targetCPU = ProcessInfo.processInfo.environment["AMSS_TARGET_CPU"] ?? "native"
let hostVectorFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", targetCPU])]

let package = Package(
    name: "amss",
    products: [
        .executable(name: "amss", targets: ["amss"]),
        .executable(name: "amss-core", targets: ["amss-core"]),
    ],
    targets: [
        .systemLibrary(name: "CFFmpeg", path: "Sources/CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev"])]),
        .systemLibrary(name: "CSndFile", path: "Sources/CSndFile", pkgConfig: "sndfile",
                       providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSoxr", path: "Sources/CSoxr", pkgConfig: "soxr",
                       providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),

        .target(name: "Media", dependencies: ["CFFmpeg", "CSndFile", "CSoxr", "CFFTW"],
                swiftSettings: hostVectorFlags),
        .target(name: "Text"),
        .target(name: "Datasets"),
        .target(name: "Cache", dependencies: ["CHDF5", "CCrypto"]),
        .target(name: "Tensor", dependencies: ["COpenBLAS"]),
        .target(name: "Models", dependencies: ["Tensor"]),
        .target(name: "Rebalance", dependencies: ["Tensor"]),
        .target(name: "Training", dependencies: ["Cache", "Models", "Rebalance", "Tensor"]),
        .target(name: "Pipeline", dependencies: ["Media", "Text", "Datasets", "Cache"]),
        .target(name: "Console"),
        // `amss`: the tokenizer in a small binary; it runs `amss-core` for everything else.
        .executableTarget(name: "amss", dependencies: ["Console", "Text"],
                          path: "Sources/launcher"),
        .executableTarget(name: "amss-core",
                          dependencies: ["Console", "Pipeline", "Training", "Datasets", "Cache",
                                         "Media", "Text"],
                          path: "Sources/amss"),

        .testTarget(name: "MediaTests", dependencies: ["Media"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "TextTests", dependencies: ["Text"], exclude: ["Fixtures"]),
        .testTarget(name: "CacheTests", dependencies: ["Cache"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "Models", "Text"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RebalanceTests", dependencies: ["Rebalance", "Tensor"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Cache", "Models"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "IntegrationTests",
                    dependencies: ["Pipeline", "Training", "Datasets", "Cache", "Media",
                                   "Models"]),
    ]
)
