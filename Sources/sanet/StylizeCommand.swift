import ArgumentParser
import Foundation
import ImageCodec
import StyleTransfer

struct StylizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stylize",
        abstract: "Redraw a content image in the style of one or more style images; writes a PNG, JPEG or WebP.",
        discussion: "With several --content images, or a folder, every result goes into --output-dir, named after its input."
    )

    @OptionGroup var model: ModelOptions

    @Option(help: "Content image (PNG or JPEG), or a folder of them; repeat to stylize several into --output-dir.")
    var content: [String]

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

    @Option(help: "Output file for one content image; its extension picks the format: .png, .jpg or .jpeg, .webp.")
    var output: String?

    @Option(help: "Folder for the results of several content images, each named after its input (created if missing).")
    var outputDir: String?

    @Option(help: "Format of the results in --output-dir: png, jpeg or webp (default: png).")
    var format: ImageFormat?

    @Flag(help: "Replace results already in --output-dir (without it, a batch that would replace one does not start).")
    var overwrite = false

    @Option(help: "JPEG or WebP quality from 1 (smallest file) to 100 (best image); PNG ignores it.")
    var quality = ImageEncoding.defaultQuality

    func validate() throws {
        switch (output, outputDir) {
        case (nil, nil):
            throw ValidationError("give --output FILE for one content image, or --output-dir FOLDER for several")
        case (.some, .some):
            throw ValidationError("give --output FILE or --output-dir FOLDER, not both")
        case (.some, nil) where content.count > 1:
            throw ValidationError("--output names one file, but --content is given \(content.count) times; "
                + "give --output-dir FOLDER to write one result per content image")
        case (.some, nil) where format != nil:
            throw ValidationError("--format is for --output-dir; with --output, its extension picks the format")
        default:
            break
        }
        guard mask.isEmpty || mask.count == style.count else {
            throw ValidationError("give one --mask per --style, in the same order (got \(mask.count) for \(style.count))")
        }
    }

    func run() throws {
        let options = StylizeOptions(method: model.method, alpha: alpha, styleWeights: try parsedStyleWeights(),
                                     preserveColor: preserveColor, contentSize: contentSize, styleSize: styleSize)
        _ = try options.normalizedStyleWeights(styleCount: style.count)
        if let output {
            try stylize(content[0], to: output, options: options)
        } else if let outputDir {
            try stylizeBatch(into: outputDir, options: options)
        }
    }

    private func stylize(_ content: String, to output: String, options: StylizeOptions) throws {
        let encoding = try encoding(try outputFormat(output))
        if FileManager.default.isFolder(content) {
            throw CommandLineError(description: "\(content) is a folder; give --output-dir FOLDER to stylize the images in it")
        }
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

    /// Everything that can be checked is checked before the weights are loaded; then the weights
    /// are loaded and the styles decoded once for all the content images.
    private func stylizeBatch(into outputDir: String, options: StylizeOptions) throws {
        let encoding = try encoding(format ?? .png)
        let plan = try BatchPlan(contents: content, outputDirectory: outputDir, format: encoding.format, overwrite: overwrite)
        let styleFiles = try style.map(read)
        let model = try model.loadModel()
        let styles: [Image]
        do {
            styles = try model.decodedStyles(styleFiles, options: options, decoder: ImageDecoder())
        } catch let failure as InputFileError {
            throw CommandLineError(description: "\(style[failure.index]): \(failure)")
        }
        do {
            try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
        } catch {
            throw CommandLineError(description: "cannot create --output-dir \(outputDir): \(error.localizedDescription)")
        }
        let start = ContinuousClock.now
        let run = BatchRun(model: model, styles: styles, maskFiles: try readMasks(), options: options, encoding: encoding,
                           context: self.model.context)
        let failures = run.run(plan, progress: standardErrorProgress())
        let written = plan.items.count - failures.count
        guard failures.isEmpty else {
            throw CommandLineError(description: "\(failures.count) of \(plan.items.count) content images failed "
                + "(\(written) written to \(outputDir)):\n" + failures.map { "  \($0.input): \($0.reason)" }.joined(separator: "\n"))
        }
        let elapsed = (ContinuousClock.now - start).clock
        FileHandle.standardError.write(Data("sanet: \(written) content images written to \(outputDir) in \(elapsed)\n".utf8))
    }

    /// The format the output's extension names, checked before any work is done.
    private func outputFormat(_ output: String) throws -> ImageFormat {
        let fileExtension = URL(fileURLWithPath: output).pathExtension
        guard let format = ImageFormat(fileExtension: fileExtension) else {
            let known = ImageFormat.allCases.flatMap(\.fileExtensions).map { ".\($0)" }.joined(separator: ", ")
            throw ValidationError("--output must end in \(known) to choose the format; got '\(output)'")
        }
        return format
    }

    private func encoding(_ format: ImageFormat) throws -> ImageEncoding {
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

    /// The mask files, each checked to be an image before a batch starts: every content uses them.
    private func readMasks() throws -> [[UInt8]] {
        try mask.map { path in
            let bytes = try read(path)
            do {
                _ = try ImageDecoder().header(of: bytes)
            } catch {
                throw CommandLineError(description: "\(path): \(error)")
            }
            return bytes
        }
    }

    private func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandLineError(description: "cannot read \(path): no such file or not readable")
        }
        return [UInt8](data)
    }
}

/// `--format`: a format's name or any of its extensions (png, jpeg or jpg, webp).
extension ImageFormat: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(fileExtension: argument)
    }
}
