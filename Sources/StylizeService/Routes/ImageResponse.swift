import HTTPServer
import ImageCodec

extension HTTPResponse {
    /// The header that tells a client its content's transparency could not be kept: `flattened`
    /// when the content had alpha and the format (JPEG) has none, so the image was put on white.
    static let alphaHeader = "Sanet-Alpha"

    /// 200 with a stylization's result, typed by its format.
    init(_ image: EncodedImage) {
        var headers: HTTPHeaders = ["Content-Type": image.encoding.format.mediaType]
        if image.flattenedAlpha { headers.set(Self.alphaHeader, "flattened") }
        self.init(headers: headers, body: image.bytes)
    }
}
