import HTTPServer
import ImageCodec
import SANet

/// One stylization as the service runs it: the same decode, stylize and encode steps as
/// `sanet stylize`, so that both give the same PNG bytes for the same inputs.
struct Stylization: Sendable {
    let model: StyleTransferModel
    let decoder: ImageDecoder
    let maxSide: Int

    /// Cheap checks from the image headers, made before a request takes a place in the queue.
    func inspect(_ form: StylizeForm) throws {
        try inspect(form.content, field: "content", resizedTo: form.options.contentSize, sizeField: "content_size")
        for style in form.styles {
            try inspect(style, field: "style", resizedTo: form.options.styleSize, sizeField: "style_size")
        }
    }

    /// The PNG; throws a `Problem` for anything the client can fix.
    func run(_ form: StylizeForm) throws -> [UInt8] {
        let content = try decode(form.content, field: "content")
        let styles = try form.styles.map { try decode($0, field: "style") }
        do {
            return try PNGEncoder.encode(try model.stylize(content: content, styles: styles, options: form.options))
        } catch let error as StylizeError {
            throw StylizeForm.invalid(error.description)
        }
    }

    private func inspect(_ bytes: [UInt8], field: String, resizedTo size: Int, sizeField: String) throws {
        let (width, height) = try withProblem(field: field) { try decoder.dimensions(of: bytes) }
        guard width * height <= decoder.maxPixels else {
            throw Self.problem(for: .tooManyPixels(width: width, height: height, maxPixels: decoder.maxPixels), field: field)
        }
        if size == 0 && max(width, height) > maxSide {
            throw StylizeForm.invalid("the \(field) image is \(width)x\(height); with \(sizeField)=0 it is stylized "
                + "at that size, and the longer side may be at most \(maxSide): set \(sizeField) or send a smaller image")
        }
    }

    private func decode(_ bytes: [UInt8], field: String) throws -> Image {
        try withProblem(field: field) { try decoder.decode(bytes) }
    }

    private func withProblem<T>(field: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ImageError {
            throw Self.problem(for: error, field: field)
        }
    }

    static func problem(for error: ImageError, field: String) -> Problem {
        switch error {
        case .unsupportedFormat:
            return Problem(.unsupportedMediaType, detail: "the '\(field)' file is not a PNG or JPEG image; send PNG or JPEG")
        case .tooManyPixels:
            return Problem(.contentTooLarge, detail: "'\(field)' file: \(error)")
        case .encodingFailed:
            return Problem(.internalServerError, detail: "the result could not be encoded as PNG")
        case .empty, .corrupt:
            return Problem(.unprocessableContent, detail: "'\(field)' file: \(error)")
        }
    }
}
