// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for the parsers that read untrusted bytes. Each executable defines
// LLVMFuzzerTestOneInput and gets libFuzzer's main from `--sanitize fuzzer`; scripts/fuzz.sh
// builds them with `-c release --sanitize fuzzer --sanitize address -Xswiftc -enable-testing`
// (the request parser and chunked decoder are internal to HTTPServer).
let package = Package(
    name: "SanetFuzz",
    dependencies: [.package(name: "sanet", path: "../..")],
    targets: [
        .executableTarget(name: "FuzzRequestParser", dependencies: [.product(name: "HTTPServer", package: "sanet")]),
        .executableTarget(name: "FuzzChunkedDecoder", dependencies: [.product(name: "HTTPServer", package: "sanet")]),
        .executableTarget(name: "FuzzMultipart", dependencies: [.product(name: "HTTPServer", package: "sanet")]),
        .executableTarget(name: "FuzzImageDecoder", dependencies: [.product(name: "ImageCodec", package: "sanet")]),
        .executableTarget(name: "FuzzCheckpoint", dependencies: [.product(name: "TorchCheckpoint", package: "sanet")]),
        .executableTarget(name: "FuzzONNX", dependencies: [.product(name: "ONNX", package: "sanet")]),
    ],
    swiftLanguageModes: [.v5]
)
