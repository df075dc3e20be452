import Engine
import ImageCodec

/// The encoded image files of one stylization, handed over one at a time, so that whoever holds
/// them can let go of each file's bytes as soon as it is decoded.
public protocol StylizationFiles {
    var styleCount: Int { get }
    /// 0, or one mask per style.
    var maskCount: Int { get }
    func takeContent() -> [UInt8]
    func takeStyle(_ index: Int) -> [UInt8]
    func takeMask(_ index: Int) -> [UInt8]
}

/// Files already read into memory.
public final class EncodedFiles: StylizationFiles {
    private var content: [UInt8]
    private var styles: [[UInt8]]
    private var masks: [[UInt8]]

    public init(content: [UInt8], styles: [[UInt8]], masks: [[UInt8]] = []) {
        self.content = content
        self.styles = styles
        self.masks = masks
    }

    public var styleCount: Int { styles.count }
    public var maskCount: Int { masks.count }

    public func takeContent() -> [UInt8] {
        defer { content = [] }
        return content
    }

    public func takeStyle(_ index: Int) -> [UInt8] {
        defer { styles[index] = [] }
        return styles[index]
    }

    public func takeMask(_ index: Int) -> [UInt8] {
        defer { masks[index] = [] }
        return masks[index]
    }
}

/// A file that cannot be stylized: which one (the content, or style or mask `index`), and why
/// (an `ImageError`, or a `StylizeError` about its size).
public struct InputFileError: Error, CustomStringConvertible {
    public let role: ImageRole
    /// The style's or mask's position among its kind; 0 for the content.
    public let index: Int
    public let error: Error

    public var description: String { "\(error)" }
}

extension StyleTransferModel {
    /// A stylization from encoded files to an encoded image, the same steps for the command line
    /// and the service (so both give the same bytes): each file decoded straight to its working
    /// size (a mask to the content's) and then given up (`decoded` is told its size in bytes), the stylization, the encoding
    /// as `encoding` says (PNG by default). Throws `InputFileError` for a file that cannot be
    /// used, `StylizeError` for the options.
    public func stylize(_ files: some StylizationFiles, options: StylizeOptions, encoding: ImageEncoding = ImageEncoding(),
                        decoder: ImageDecoder, context: ComputeContext,
                        decoded: (Int) -> Void = { _ in }) throws -> EncodedImage {
        let shouldStop = { [cancellation = context.cancellation] in cancellation?.isCancelled ?? false }
        func decode<T>(_ take: () -> [UInt8], _ body: ([UInt8]) throws -> T) throws -> T {
            var bytes = take()
            defer {
                decoded(bytes.count)
                bytes = []
            }
            return try body(bytes)
        }
        let content = try decode(files.takeContent) { bytes in
            try decoder.decode(bytes, as: .content, index: 0, options: options, shouldStop: shouldStop)
        }
        let styles = try (0..<files.styleCount).map { index in
            try decode({ files.takeStyle(index) }) { bytes in
                try decoder.decode(bytes, as: .style, index: index, options: options, shouldStop: shouldStop)
            }
        }
        let masks = try (0..<files.maskCount).map { index in
            try decode({ files.takeMask(index) }) { bytes in
                try decoder.mask(bytes, index: index, fitting: content, shouldStop: shouldStop)
            }
        }
        return try stylize(content: content, styles: styles, masks: masks.isEmpty ? nil : masks, options: options,
                           context: context).encoded(as: encoding)
    }

    /// Style files decoded once for a batch of contents: each content then costs its own decoding
    /// only, and the style cache spares each style's encoder pass after the first content (unless
    /// `preserveColor` recolours the styles to each content). Throws `InputFileError` for a style
    /// that cannot be used.
    public func decodedStyles(_ files: [[UInt8]], options: StylizeOptions, decoder: ImageDecoder) throws -> [Image] {
        try files.enumerated().map { index, bytes in
            try decoder.decode(bytes, as: .style, index: index, options: options)
        }
    }

    /// One content file of a batch stylized with `decodedStyles(_:options:decoder:)`'s styles and
    /// the mask files, if any (decoded to each content's size): the same bytes as
    /// `stylize(_:options:encoding:decoder:context:decoded:)` gives for these files.
    public func stylize(contentFile: [UInt8], styles: [Image], maskFiles: [[UInt8]] = [], options: StylizeOptions,
                        encoding: ImageEncoding, decoder: ImageDecoder, context: ComputeContext) throws -> EncodedImage {
        let content = try decoder.decode(contentFile, as: .content, index: 0, options: options)
        let masks = try maskFiles.enumerated().map { index, bytes in try decoder.mask(bytes, index: index, fitting: content) }
        return try stylize(content: content, styles: styles, masks: masks.isEmpty ? nil : masks, options: options,
                           context: context).encoded(as: encoding)
    }
}

extension ImageDecoder {
    /// `bytes` decoded for a stylization, a failure told as the `InputFileError` of that file.
    fileprivate func decode(_ bytes: [UInt8], as role: ImageRole, index: Int, options: StylizeOptions,
                            shouldStop: @escaping () -> Bool = { false }) throws -> Image {
        do {
            return try decode(bytes, as: role, options: options, shouldStop: shouldStop)
        } catch {
            throw InputFileError(role: role, index: index, error: error)
        }
    }

    /// Mask file `index` decoded straight to the content's size, once its header shows the
    /// content's shape.
    fileprivate func mask(_ bytes: [UInt8], index: Int, fitting content: Image,
                          shouldStop: @escaping () -> Bool = { false }) throws -> StyleMask {
        let size = (width: content.width, height: content.height)
        do {
            let header = try header(of: bytes)
            try StyleMask.checkAspect(mask: (header.width, header.height), content: size, index: index)
            return StyleMask(try decode(bytes, resizedTo: size, shouldStop: shouldStop))
        } catch {
            throw InputFileError(role: .mask, index: index, error: error)
        }
    }
}
