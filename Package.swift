// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sanet",
    products: [
        .executable(name: "sanet", targets: ["sanet"]),
        .library(name: "SANet", targets: ["SANet"]),
        .library(name: "ImageCodec", targets: ["ImageCodec"]),
        .library(name: "TorchCheckpoint", targets: ["TorchCheckpoint"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .target(name: "CImageCodec", dependencies: ["CPNG", "CJPEG"]),
        .target(name: "ImageCodec", dependencies: ["CImageCodec"]),
        .target(name: "TorchCheckpoint", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "SANet", dependencies: ["COpenBLAS", "ImageCodec", "TorchCheckpoint"]),
        .executableTarget(name: "sanet", dependencies: [
            "SANet", "ImageCodec",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ImageCodecTests", dependencies: ["ImageCodec"]),
        .testTarget(name: "TorchCheckpointTests", dependencies: ["TorchCheckpoint"]),
        .testTarget(name: "SANetTests", dependencies: ["SANet", "ImageCodec", "TorchCheckpoint"]),
        .target(name: "HTTPServer", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v5]
)
