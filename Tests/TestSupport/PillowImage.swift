import Foundation

/// An image file as Pillow reads it (Debian's python3-pil, through pillow_decode.py): a decoder
/// independent of ImageCodec, so that what the encoders write is checked by someone else's reader.
public struct PillowImage {
    /// Pillow's name for the format it recognised: PNG, JPEG or WEBP.
    public let format: String
    public let width: Int
    public let height: Int
    public let hasAlpha: Bool
    /// Every pixel as red, green, blue and alpha bytes, row by row (alpha 255 without alpha).
    public let rgba: [UInt8]

    private struct Report: Decodable {
        let format: String
        let width: Int
        let height: Int
        let has_alpha: Bool
        let rgba: String
    }

    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("pillow_decode.py")

    /// Decodes `bytes`; throws when Pillow cannot read them.
    public init(decoding bytes: [UInt8]) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pillow-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try ProcessRun.run(URL(fileURLWithPath: "/usr/bin/python3"), [Self.script.path, file.path])
        guard run.status == 0 else { throw PillowError(description: "Pillow cannot read the image: \(run.stderr)") }
        let report = try JSONDecoder().decode(Report.self, from: run.stdoutBytes)
        format = report.format
        width = report.width
        height = report.height
        hasAlpha = report.has_alpha
        rgba = [UInt8](Data(base64Encoded: report.rgba) ?? Data())
    }

    /// The RGBA bytes of the pixel at (x, y).
    public func pixel(_ x: Int, _ y: Int) -> [UInt8] {
        let start = 4 * (y * width + x)
        return Array(rgba[start..<start + 4])
    }
}

public struct PillowError: Error, CustomStringConvertible {
    public let description: String
}
