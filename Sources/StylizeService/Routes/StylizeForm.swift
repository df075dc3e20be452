import Foundation
import HTTPServer
import ImageCodec
import StyleTransfer

/// The fields of a `POST /v1/stylize` form, checked, with the output format it asks for (its
/// `format` field, else the request's Accept header): everything a worker needs, and every
/// client mistake turned into a problem that names the field and says what to send.
struct StylizeForm {
    static let fileFields = ["content", "style", "mask"]
    static let textFields = ["style_weights", "alpha", "preserve_color", "method", "content_size", "style_size",
                             "format", "quality"]

    let files: UploadedFiles
    let options: StylizeOptions
    let encoding: ImageEncoding

    init(parts: [MultipartPart], accept: AcceptHeader?, configuration: ServiceConfiguration, defaultMethod: Method) throws {
        var uploads: [String: [[UInt8]]] = [:]
        var texts: [String: String] = [:]
        for part in parts {
            if Self.fileFields.contains(part.name) {
                uploads[part.name, default: []].append(part.body)
            } else if Self.textFields.contains(part.name) {
                guard texts[part.name] == nil else {
                    throw Self.invalid("field '\(part.name)' was sent twice; send it once")
                }
                // Taken as sent, so that the service accepts exactly what openapi.yaml describes.
                texts[part.name] = String(decoding: part.body, as: UTF8.self)
            } else {
                let known = (Self.fileFields + Self.textFields).joined(separator: ", ")
                throw Self.invalid("unknown field \(Problem.quoted(part.name)); the fields are \(known)")
            }
        }
        guard let contents = uploads["content"], contents.count == 1 else {
            throw Self.invalid(uploads["content"] == nil
                ? "missing file field 'content': send the photo to stylize, e.g. curl -F content=@photo.jpg"
                : "send exactly one 'content' file")
        }
        guard let styles = uploads["style"] else {
            throw Self.invalid("missing file field 'style': send at least one painting, e.g. -F style=@painting.jpg")
        }
        guard styles.count <= configuration.maxStyles else {
            throw Self.invalid("\(styles.count) style images; send at most \(configuration.maxStyles)")
        }
        let masks = uploads["mask"] ?? []
        guard masks.isEmpty || masks.count == styles.count else {
            throw Self.invalid(StylizeError.maskCount(masks: masks.count, styles: styles.count).description)
        }
        if let empty = Self.fileFields.first(where: { uploads[$0]?.contains(where: \.isEmpty) ?? false }) {
            throw Self.invalid("an empty '\(empty)' file: attach the image itself, "
                + "e.g. curl -F \(empty)=@image.png (the @ makes curl send the file)")
        }
        files = UploadedFiles(content: contents[0], styles: styles, masks: masks)

        var options = StylizeOptions(method: defaultMethod, contentSize: configuration.defaultContentSize,
                                     styleSize: configuration.defaultStyleSize)
        if let text = texts["method"] {
            guard let method = Method(rawValue: text) else {
                let names = Method.allCases.map(\.rawValue).joined(separator: ", ")
                throw Self.invalid("method must be one of \(names), got \(Problem.quoted(text))")
            }
            options.method = method
        }
        if let text = texts["alpha"] { options.alpha = try Self.number(text, field: "alpha") }
        if let text = texts["style_weights"] {
            guard let weights = StylizeOptions.styleWeights(parsing: text) else {
                throw Self.invalid("style_weights must be \(StylizeOptions.styleWeightsSyntax); got \(Problem.quoted(text))")
            }
            options.styleWeights = weights
        }
        if let text = texts["preserve_color"] { options.preserveColor = try Self.flag(text, field: "preserve_color") }
        if let text = texts["content_size"] {
            options.contentSize = try Self.size(text, field: "content_size", maximum: configuration.maxSide)
        }
        if let text = texts["style_size"] {
            options.styleSize = try Self.size(text, field: "style_size", maximum: configuration.maxSide)
        }
        do {
            _ = try options.normalizedStyleWeights(styleCount: styles.count)
        } catch let error as StylizeError {
            throw Self.invalid(error.description)
        }
        self.options = options
        let format = try texts["format"].map(Self.format) ?? ImageFormat.negotiated(accept)
        encoding = ImageEncoding(format, quality: try texts["quality"].map(Self.quality) ?? ImageEncoding.defaultQuality)
    }

    static func invalid(_ detail: String) -> Problem {
        Problem(.unprocessableContent, detail: detail)
    }

    private static func number(_ text: String, field: String) throws -> Float {
        guard let value = Float(text), value.isFinite else {
            throw invalid("\(field) must be a number, got \(Problem.quoted(text))")
        }
        return value
    }

    private static func flag(_ text: String, field: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "1", "on", "yes": return true
        case "false", "0", "off", "no", "": return false
        default: throw invalid("\(field) must be true or false, got \(Problem.quoted(text))")
        }
    }

    private static func format(_ text: String) throws -> ImageFormat {
        guard let format = ImageFormat(rawValue: text) else {
            let names = ImageFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid("format must be one of \(names), got \(Problem.quoted(text))")
        }
        return format
    }

    private static func quality(_ text: String) throws -> Int {
        let range = ImageEncoding.qualities
        guard let value = Int(text), range.contains(value) else {
            throw invalid("quality must be a whole number from \(range.lowerBound) (smallest file) to \(range.upperBound) "
                + "(best image), got \(Problem.quoted(text))")
        }
        return value
    }

    private static func size(_ text: String, field: String, maximum: Int) throws -> Int {
        // Below 32 no image can be stylized, so such a size is refused before any decoding.
        guard let value = Int(text), value == 0 || (32...maximum).contains(value) else {
            throw invalid("\(field) must be 0 (keep the original size) or a whole number of pixels from 32 to \(maximum), "
                + "got \(Problem.quoted(text))")
        }
        return value
    }
}
