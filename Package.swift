// swift-tools-version:6.0
import PackageDescription

// On x86-64 the engine is compiled for AVX2 and FMA (Intel Haswell, AMD Zen and later), which
// makes a SANet pass about 16 % faster than the baseline instruction set; `sanet` checks the
// processor before it runs any of the engine's code.
#if arch(x86_64)
let engineInstructionSet: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let engineInstructionSet: [SwiftSetting] = []
#endif

let computeSettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))] + engineInstructionSet

let package = Package(
    name: "sanet",
    products: [
        .executable(name: "sanet", targets: ["sanet"]),
        .library(name: "StyleTransfer", targets: ["StyleTransfer"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "GraphInterpreter", targets: ["GraphInterpreter"]),
        .library(name: "ONNX", targets: ["ONNX"]),
        .library(name: "ImageCodec", targets: ["ImageCodec"]),
        .library(name: "TorchCheckpoint", targets: ["TorchCheckpoint"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "StylizeService", targets: ["StylizeService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .target(name: "CImageCodec", dependencies: ["CPNG", "CJPEG", "CWebP"]),
        .target(name: "ImageCodec", dependencies: ["CImageCodec"]),
        .target(name: "TorchCheckpoint"),
        .target(name: "ONNX"),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        // The engine and what runs on it are optimised in debug builds too: the tests run
        // SANet's and Magenta's networks at a few hundred pixels.
        .target(name: "Engine", dependencies: ["COpenBLAS", "CKernels"], swiftSettings: computeSettings),
        .target(name: "GraphInterpreter", dependencies: ["Engine", "ONNX"], swiftSettings: computeSettings),
        .target(name: "StyleTransfer", dependencies: ["Engine", "GraphInterpreter", "ONNX", "ImageCodec", "TorchCheckpoint"],
                swiftSettings: computeSettings),
        .target(name: "HTTPServer", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "StylizeService", dependencies: [
            "HTTPServer", "StyleTransfer", "Engine", "ImageCodec",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], resources: [.copy("Resources/openapi.yaml"), .copy("Resources/web"), .copy("Resources/paintings"),
                     .copy("Resources/samples")]),
        .executableTarget(name: "sanet", dependencies: [
            "StyleTransfer", "Engine", "CKernels", "ImageCodec", "StylizeService", "HTTPServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // What the test targets share: a seeded generator, a process runner, a raw HTTP client, thread use,
        // an independent image decoder (Pillow).
        .target(name: "TestSupport", dependencies: ["CKernels", "HTTPServer"], path: "Tests/TestSupport",
                exclude: ["pillow_decode.py"]),
        .testTarget(name: "ImageCodecTests", dependencies: ["ImageCodec", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TorchCheckpointTests", dependencies: ["TorchCheckpoint"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ONNXTests", dependencies: ["ONNX"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "CKernels", "TestSupport"]),
        .testTarget(name: "StyleTransferTests", dependencies: ["StyleTransfer", "Engine", "GraphInterpreter", "ONNX", "CKernels",
                                                               "ImageCodec", "TorchCheckpoint", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport",
                                                             .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "StylizeServiceTests", dependencies: ["StylizeService", "HTTPServer", "StyleTransfer", "Engine",
                                                                "ImageCodec", "TestSupport"]),
        .testTarget(name: "SanetCommandTests", dependencies: ["sanet", "ImageCodec", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
