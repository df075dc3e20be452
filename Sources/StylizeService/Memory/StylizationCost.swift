import ImageCodec
import SANet

/// The most memory one stylization holds at once, worked out from its images' headers before
/// any of them is decoded: the images decoded one after another (each at the size it is
/// stylized at, the earlier ones kept), then the engine's working memory beside them.
struct StylizationCost: Sendable, Equatable {
    /// Peak bytes while the files are decoded.
    let decoding: Int
    /// Peak bytes while the engine runs, the decoded images included.
    let stylizing: Int

    var bytes: Int { max(decoding, stylizing) }

    init(content: ImageHeader, styles: [ImageHeader], options: StylizeOptions) {
        let images = [(content, ImageRole.content)] + styles.map { ($0, ImageRole.style) }
        var held = 0
        var decoding = 0
        var stylePixels: [Int] = []
        for (header, role) in images {
            let size = options.workingSize(width: header.width, height: header.height, role: role)
            decoding = max(decoding, held + header.decodingBytes(width: size.width, height: size.height))
            held += size.width * size.height * header.planes * MemoryLayout<Float>.size
            if role == .style { stylePixels.append(size.width * size.height) }
        }
        let content = options.workingSize(width: content.width, height: content.height, role: .content)
        // Colour preservation recolours a copy of every style.
        let recoloured = options.preserveColor ? stylePixels.reduce(0, +) * 3 * MemoryLayout<Float>.size : 0
        self.decoding = decoding
        stylizing = held + recoloured + EngineMemory.bytes(method: options.method,
                                                           contentPixels: content.width * content.height,
                                                           stylePixels: stylePixels)
    }
}

/// The engine's working memory for one stylization, beyond its decoded inputs: a fixed part and
/// a part per pixel of the content and of the largest style (styles are encoded one at a time),
/// fitted to peak resident memory measured with `sanet bench` (see README, "Limits").
enum EngineMemory {
    static func bytes(method: Method, contentPixels: Int, stylePixels: [Int]) -> Int {
        let style = stylePixels.max() ?? 0
        let (fixed, perContentPixel, perStylePixel): (Int, Int, Int)
        switch method {
        case .sanet: (fixed, perContentPixel, perStylePixel) = (48 << 20, 160, 160)
        case .adain: (fixed, perContentPixel, perStylePixel) = (32 << 20, 120, 120)
        case .magenta: (fixed, perContentPixel, perStylePixel) = (32 << 20, 120, 0)
        }
        return fixed + perContentPixel * contentPixels + perStylePixel * style
    }
}
