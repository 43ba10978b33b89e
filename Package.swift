// swift-tools-version:6.0
import PackageDescription

/// The numeric modules are compiled with optimisation even in debug builds: unoptimised Swift runs the
/// kernels 30–60× slower, which would make the gradient-check and training tests crawl.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "InceptionLab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "inception-lab", targets: ["InceptionLab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C shims over the system libraries (Debian: libopenblas-dev, libdnnl-dev, libsqlite3-dev, zlib1g-dev,
        // libjpeg62-turbo-dev, libpng-dev). Debian's oneDNN has no pkg-config file: its module map links it by name.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        // JPEG and PNG decoding in C, where libjpeg's and libpng's longjmp-based error handling can be caught.
        .target(name: "CImageCodecs", dependencies: ["CJPEG", "CPNG"]),

        // Kernels in C: the direct convolution (AVX2+FMA or baseline) and the elementwise kernels (AVX-512, AVX2
        // or baseline), vector code chosen at run time (Swift here emits SSE only unless the whole module is tied to
        // one CPU). Without errno, sqrtf vectorises.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
        .target(name: "Engine", dependencies: ["CBLAS", "CDNNL", "CKernels"], swiftSettings: optimizedInDebug),
        .target(name: "Models", dependencies: ["Engine"], swiftSettings: optimizedInDebug),
        .target(name: "Datasets", dependencies: ["Engine", "CZlib"], swiftSettings: optimizedInDebug),
        .target(name: "ResultsStore", dependencies: ["CSQLite"]),
        // The run contract between training and reports: the training configuration (its defaults and closed sets)
        // and the metric names.
        .target(name: "RunContract", dependencies: ["Models"]),
        .target(name: "Training", dependencies: ["Engine", "Models", "Datasets", "RunContract"],
                swiftSettings: optimizedInDebug),
        // TensorBoard event files written by hand: CRC-32C, TFRecord framing, the few protobuf fields of `Event`.
        .target(name: "TensorBoard"),
        // The runner records the git revision its sources were built from (`buildRevision`, Plugins/BuildRevision).
        .target(name: "Runner", dependencies: ["Training", "ResultsStore", "Datasets", "Engine", "Models", "Reports",
                                               "RunContract", "Yams", "TensorBoard"],
                plugins: ["BuildRevision"]),
        .plugin(name: "BuildRevision", capability: .buildTool()),
        .target(name: "Benchmarks", dependencies: ["Engine", "Models"], swiftSettings: optimizedInDebug),
        // Student t, Welch's test, TOST, non-inferiority, power and bootstrap intervals for the reports' verdicts.
        .target(name: "Statistics", dependencies: ["Engine"]),
        .target(name: "Reports", dependencies: ["ResultsStore", "Models", "RunContract", "Statistics", "Yams"]),
        .target(name: "Imaging", dependencies: ["CImageCodecs"], swiftSettings: optimizedInDebug),
        .target(name: "Pretrained", dependencies: ["Engine", "Models", "Imaging"], swiftSettings: optimizedInDebug),
        .executableTarget(
            name: "InceptionLab",
            dependencies: [
                "Engine", "Models", "Datasets", "RunContract", "Training", "ResultsStore", "Runner", "Benchmarks",
                "Reports", "Pretrained", "TensorBoard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimizedInDebug),

        .testTarget(name: "EngineTests", dependencies: ["Engine", "CKernels"], swiftSettings: optimizedInDebug),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "RunContract"], swiftSettings: optimizedInDebug),
        .testTarget(name: "ModelsTests", dependencies: ["Models"], swiftSettings: optimizedInDebug),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "CZlib"]),
        .testTarget(name: "ResultsStoreTests", dependencies: ["ResultsStore"]),
        .testTarget(name: "InceptionLabTests", dependencies: ["InceptionLab", "Models", "ResultsStore", "RunContract",
                                                              "Training", "TensorBoard"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "ResultsStore", "Models", "RunContract", "Statistics"]),
        .testTarget(name: "PretrainedTests", dependencies: ["Pretrained", "Models", "Engine", "Imaging", "CTestImageWriters"],
                    resources: [.copy("Fixtures")], swiftSettings: optimizedInDebug),
        // JPEG and PNG encoders for the tests to write their own image files.
        .target(name: "CTestImageWriters", dependencies: ["CJPEG", "CPNG"], path: "Tests/CTestImageWriters"),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "CTestImageWriters"],
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "RunContract", "Training", "ResultsStore", "Datasets",
                                                        "Models", "Reports", "TensorBoard", "Engine"]),
        .testTarget(name: "TensorBoardTests", dependencies: ["TensorBoard"]),
    ]
)
