import Engine
import HTTPServer
import ImageCodec
import StyleTransfer

/// One stylization as the service runs it: the same decode, stylize and encode steps as
/// `sanet stylize`, so that both give the same bytes for the same inputs.
struct Stylization: Sendable {
    let model: StyleTransferModel
    let decoder: ImageDecoder
    let maxSide: Int

    /// Checks from the image headers alone, made before a request takes a place in the queue:
    /// formats, pixel counts, the sizes the images are stylized at, and the memory it will take on
    /// `threads` threads.
    func plan(_ form: StylizeForm, threads: Int) throws -> StylizationCost {
        let (content, styles, masks) = try form.files.inspect { content, styles, masks in
            (try header(of: content, field: "content"), try styles.map { try header(of: $0, field: "style") },
             try masks.map { try header(of: $0, field: "mask") })
        }
        let options = form.options
        try check(content, role: .content, options: options, sizeField: "content_size", setting: options.contentSize)
        for style in styles {
            try check(style, role: .style, options: options, sizeField: "style_size",
                      setting: options.method == .magenta ? MagentaModel.styleSide : options.styleSize)
        }
        let contentSize = options.workingSize(width: content.width, height: content.height, role: .content)
        for (index, mask) in masks.enumerated() {
            do {
                try StyleMask.checkAspect(mask: (mask.width, mask.height), content: contentSize, index: index)
            } catch let error as StylizeError {
                throw StylizeForm.invalid(error.description)
            }
        }
        return StylizationCost(content: content, styles: styles, masks: masks, options: options, threads: threads)
    }

    /// The image in the form's encoding; throws a `Problem` for anything the client can fix. Each
    /// file is given up as soon as it is decoded, and its bytes leave `uploads`.
    func run(_ form: StylizeForm, uploads: MemoryReservation, context: ComputeContext) throws -> EncodedImage {
        do {
            return try model.stylize(form.files, options: form.options, encoding: form.encoding, decoder: decoder,
                                     context: context, decoded: { uploads.shrink(by: $0) })
        } catch let failure as InputFileError {
            throw Self.problem(for: failure.error, field: failure.role.rawValue)
        } catch let error as StylizeError {
            throw StylizeForm.invalid(error.description)
        } catch let error as ImageError {
            // The files' errors come as InputFileError: this one is the result's encoding.
            throw Self.problem(for: error, field: "result")
        }
    }

    private func header(of bytes: [UInt8], field: String) throws -> ImageHeader {
        let header = try withProblem(field: field) { try decoder.header(of: bytes) }
        guard header.width * header.height <= decoder.maxPixels else {
            throw Self.problem(for: .tooManyPixels(width: header.width, height: header.height, maxPixels: decoder.maxPixels),
                               field: field)
        }
        return header
    }

    private func check(_ header: ImageHeader, role: ImageRole, options: StylizeOptions, sizeField: String, setting: Int) throws {
        if setting == 0 && max(header.width, header.height) > maxSide {
            throw StylizeForm.invalid("the \(role.rawValue) image is \(header.width)x\(header.height); with \(sizeField)=0 it is "
                + "stylized at that size, and the longer side may be at most \(maxSide): set \(sizeField) or send a smaller image")
        }
        do {
            try options.checkWorkingSize(width: header.width, height: header.height, role: role)
        } catch let error as StylizeError {
            throw StylizeForm.invalid("\(error.description); the file is \(header.width)x\(header.height)")
        }
    }

    private func withProblem<T>(field: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Self.problem(for: error, field: field)
        }
    }

    /// What the client is told of a file's failure: a `Problem` for the errors it can fix.
    private static func problem(for error: Error, field: String) -> Error {
        switch error {
        case let error as ImageError: return problem(for: error, field: field)
        case let error as StylizeError: return StylizeForm.invalid(error.description)
        default: return error
        }
    }

    static func problem(for error: ImageError, field: String) -> Problem {
        switch error {
        case .unsupportedFormat:
            return Problem(.unsupportedMediaType, detail: "the '\(field)' file is not a PNG or JPEG image; send PNG or JPEG")
        case .tooManyPixels:
            return Problem(.contentTooLarge, detail: "'\(field)' file: \(error)")
        case let .encodingFailed(format, reason):
            return Problem(.internalServerError, detail: "the result could not be encoded as \(format.name): \(reason)")
        case .empty, .corrupt, .stopped:
            return Problem(.unprocessableContent, detail: "'\(field)' file: \(error)")
        }
    }
}
