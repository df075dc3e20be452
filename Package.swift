// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sanet",
    products: [
        .executable(name: "sanet", targets: ["sanet"]),
        .library(name: "SANet", targets: ["SANet"]),
        .library(name: "ImageCodec", targets: ["ImageCodec"]),
        .library(name: "TorchCheckpoint", targets: ["TorchCheckpoint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .target(name: "CImageCodec", dependencies: ["CPNG", "CJPEG"]),
        .target(name: "ImageCodec", dependencies: ["CImageCodec"]),
        .target(name: "TorchCheckpoint"),
        // Optimised in debug builds too: the tests run Magenta's networks at 384 x 384.
        .target(name: "SANet", dependencies: ["COpenBLAS", "ImageCodec", "TorchCheckpoint"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .executableTarget(name: "sanet", dependencies: [
            "SANet", "ImageCodec",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ImageCodecTests", dependencies: ["ImageCodec"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TorchCheckpointTests", dependencies: ["TorchCheckpoint"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SANetTests", dependencies: ["SANet", "ImageCodec", "TorchCheckpoint"]),
        .testTarget(name: "SanetCommandTests", dependencies: ["sanet", "ImageCodec"]),
    ],
    swiftLanguageModes: [.v5]
)
