import ArgumentParser
import Foundation
import ImageCodec
import StyleTransfer

struct StylizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stylize",
        abstract: "Redraw a content image in the style of one or more style images; writes a PNG, JPEG or WebP."
    )

    @OptionGroup var model: ModelOptions

    @Option(help: "Content image (PNG or JPEG).")
    var content: String

    @Option(help: "Style image (PNG or JPEG); repeat to interpolate several styles.")
    var style: [String]

    @Option(help: ArgumentHelp("Where the style of the same position applies (grayscale, or RGBA's alpha; white: this style, black: the others or the photo); repeat, one per --style.", valueName: "mask"))
    var mask: [String] = []

    @Option(help: "Comma-separated weight per style image, normalised to sum 1 (default: equal).")
    var styleWeights: String?

    @Option(help: "Content-style trade-off from 0 (content) to 1 (full style).")
    var alpha: Float = 1

    @Flag(help: "Keep the content's colours.")
    var preserveColor = false

    @Option(help: "Resize the content so its longer side is N pixels (0 keeps its size); the output has this size.")
    var contentSize = StylizeOptions.defaultSize

    @Option(help: "Resize each style image so its longer side is N pixels (0 keeps its size).")
    var styleSize = StylizeOptions.defaultSize

    @Option(help: "Output file; its extension picks the format: .png, .jpg or .jpeg, .webp.")
    var output: String

    @Option(help: "JPEG or WebP quality from 1 (smallest file) to 100 (best image); PNG ignores it.")
    var quality = ImageEncoding.defaultQuality

    func run() throws {
        let options = StylizeOptions(method: model.method, alpha: alpha, styleWeights: try parsedStyleWeights(),
                                     preserveColor: preserveColor, contentSize: contentSize, styleSize: styleSize)
        _ = try options.normalizedStyleWeights(styleCount: style.count)
        guard mask.isEmpty || mask.count == style.count else {
            throw ValidationError("give one --mask per --style, in the same order (got \(mask.count) for \(style.count))")
        }
        let encoding = try outputEncoding()
        let files = EncodedFiles(content: try read(content), styles: try style.map(read), masks: try mask.map(read))
        let image: EncodedImage
        do {
            image = try model.loadModel().stylize(files, options: options, encoding: encoding, decoder: ImageDecoder(),
                                                  context: model.context)
        } catch let failure as InputFileError {
            let path = switch failure.role {
            case .content: content
            case .style: style[failure.index]
            case .mask: mask[failure.index]
            }
            throw CommandLineError(description: "\(path): \(failure)")
        }
        do {
            try Data(image.bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CommandLineError(description: "cannot write \(output): \(error.localizedDescription)")
        }
        if image.flattenedAlpha {
            FileHandle.standardError.write(Data("sanet: \(content) has transparency, which \(encoding.format.name) cannot keep; \(output) shows it on white (write a .png or .webp to keep it)\n".utf8))
        }
    }

    /// The format the output's extension names, checked before any work is done.
    private func outputEncoding() throws -> ImageEncoding {
        let fileExtension = URL(fileURLWithPath: output).pathExtension
        guard let format = ImageFormat(fileExtension: fileExtension) else {
            let known = ImageFormat.allCases.flatMap(\.fileExtensions).map { ".\($0)" }.joined(separator: ", ")
            throw ValidationError("--output must end in \(known) to choose the format; got '\(output)'")
        }
        guard ImageEncoding.qualities.contains(quality) else {
            throw ValidationError("--quality must be from 1 to 100, got \(quality)")
        }
        return ImageEncoding(format, quality: quality)
    }

    private func parsedStyleWeights() throws -> [Float]? {
        guard let styleWeights else { return nil }
        guard let weights = StylizeOptions.styleWeights(parsing: styleWeights) else {
            throw ValidationError("--style-weights must be \(StylizeOptions.styleWeightsSyntax); got '\(styleWeights)'")
        }
        return weights
    }

    private func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandLineError(description: "cannot read \(path): no such file or not readable")
        }
        return [UInt8](data)
    }
}
