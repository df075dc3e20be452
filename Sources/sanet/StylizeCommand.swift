import ArgumentParser
import Foundation
import ImageCodec
import StyleTransfer

struct StylizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stylize",
        abstract: "Redraw a content image in the style of one or more style images; writes a PNG."
    )

    @OptionGroup var model: ModelOptions

    @Option(help: "Content image (PNG or JPEG).")
    var content: String

    @Option(help: "Style image (PNG or JPEG); repeat to interpolate several styles.")
    var style: [String]

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

    @Option(help: "Output PNG file.")
    var output: String

    func run() throws {
        let options = StylizeOptions(method: model.method, alpha: alpha, styleWeights: try parsedStyleWeights(),
                                     preserveColor: preserveColor, contentSize: contentSize, styleSize: styleSize)
        _ = try options.normalizedStyleWeights(styleCount: style.count)
        let files = EncodedFiles(content: try read(content), styles: try style.map(read))
        let png: [UInt8]
        do {
            png = try model.loadModel().stylizePNG(files, options: options, decoder: ImageDecoder(), context: model.context)
        } catch let failure as InputFileError {
            let path = failure.role == .content ? content : style[failure.index]
            throw CommandLineError(description: "\(path): \(failure)")
        }
        do {
            try Data(png).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CommandLineError(description: "cannot write \(output): \(error.localizedDescription)")
        }
    }

    private func parsedStyleWeights() throws -> [Float]? {
        guard let styleWeights else { return nil }
        guard let weights = StylizeOptions.styleWeights(parsing: styleWeights) else {
            throw ValidationError("--style-weights must be comma-separated numbers, e.g. 1,3; got '\(styleWeights)'")
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
