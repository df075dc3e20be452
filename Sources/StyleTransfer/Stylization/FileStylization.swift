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
        func decode<T>(_ take: () -> [UInt8], as role: ImageRole, index: Int, _ body: ([UInt8]) throws -> T) throws -> T {
            var bytes = take()
            defer {
                decoded(bytes.count)
                bytes = []
            }
            do {
                return try body(bytes)
            } catch {
                throw InputFileError(role: role, index: index, error: error)
            }
        }
        if files.maskCount > 0 && files.maskCount != files.styleCount {
            throw StylizeError.maskCount(masks: files.maskCount, styles: files.styleCount)
        }
        let content = try decode(files.takeContent, as: .content, index: 0) { bytes in
            try decoder.decode(bytes, as: .content, options: options, shouldStop: shouldStop)
        }
        let styles = try (0..<files.styleCount).map { index in
            try decode({ files.takeStyle(index) }, as: .style, index: index) { bytes in
                try decoder.decode(bytes, as: .style, options: options, shouldStop: shouldStop)
            }
        }
        let size = (width: content.width, height: content.height)
        let masks = try (0..<files.maskCount).map { index in
            try decode({ files.takeMask(index) }, as: .mask, index: index) { bytes in
                let header = try decoder.header(of: bytes)
                try StyleMask.checkAspect(mask: (header.width, header.height), content: size, index: index)
                return StyleMask(try decoder.decode(bytes, resizedTo: size, shouldStop: shouldStop))
            }
        }
        return try stylize(content: content, styles: styles, masks: masks.isEmpty ? nil : masks, options: options,
                           context: context).encoded(as: encoding)
    }
}
