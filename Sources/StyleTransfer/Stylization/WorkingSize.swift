import ImageCodec

/// What an input file is to a stylization, which decides the size it is decoded at.
public enum ImageRole: String, Sendable {
    /// A mask is decoded to its content's working size, whatever its own.
    case content, style, mask
}

extension StylizeOptions {
    /// The size an image of `width` x `height` is stylized at: the content (and so the output)
    /// and SANet's and AdaIN's styles scaled to their longer side (0 keeps the size), Magenta's
    /// styles squashed to 256 x 256 as its authors do.
    public func workingSize(width: Int, height: Int, role: ImageRole) -> (width: Int, height: Int) {
        switch role {
        case .content, .mask:
            return contentSize > 0 ? Image.size(width: width, height: height, longerSide: contentSize) : (width, height)
        case .style where method == .magenta:
            return (MagentaModel.styleSide, MagentaModel.styleSide)
        case .style:
            return styleSize > 0 ? Image.size(width: width, height: height, longerSide: styleSize) : (width, height)
        }
    }

    /// Refuses, from the header alone, an image that would be too small to stylize once resized.
    public func checkWorkingSize(width: Int, height: Int, role: ImageRole) throws {
        let size = workingSize(width: width, height: height, role: role)
        guard min(size.width, size.height) >= StyleTransferModel.minimumSide else {
            throw StylizeError.imageTooSmall(role: role.rawValue, width: size.width, height: size.height,
                                             minimum: StyleTransferModel.minimumSide)
        }
    }
}

extension ImageDecoder {
    /// Decodes a file straight to the size a stylization with `options` uses it at, so that
    /// the command line and the service give the model the same pixels, and a large file
    /// costs what its result costs rather than its own size.
    public func decode(_ bytes: [UInt8], as role: ImageRole, options: StylizeOptions,
                       shouldStop: @escaping () -> Bool = { false }) throws -> Image {
        let header = try header(of: bytes)
        try options.checkWorkingSize(width: header.width, height: header.height, role: role)
        return try decode(bytes, resizedTo: options.workingSize(width: header.width, height: header.height, role: role),
                          shouldStop: shouldStop)
    }
}
