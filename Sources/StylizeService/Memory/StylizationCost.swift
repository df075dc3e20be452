import ImageCodec
import StyleTransfer

/// The most memory one stylization holds at once, worked out from its images' headers before
/// any of them is decoded: the images decoded one after another (each at the size it is
/// stylized at, the earlier ones kept), then the engine's working memory beside them.
struct StylizationCost: Sendable, Equatable {
    /// Peak bytes while the files are decoded.
    let decoding: Int
    /// Peak bytes while the engine runs, the decoded images included.
    let stylizing: Int

    var bytes: Int { max(decoding, stylizing) }

    /// `threads`: what the stylization runs on (the service's default is one a worker).
    init(content: ImageHeader, styles: [ImageHeader], masks: [ImageHeader] = [], options: StylizeOptions,
         threads: Int = 1) {
        let images = [(content, ImageRole.content)] + styles.map { ($0, ImageRole.style) } + masks.map { ($0, ImageRole.mask) }
        let contentSize = options.workingSize(width: content.width, height: content.height, role: .content)
        var held = 0
        var decoding = 0
        var stylePixels: [Int] = []
        for (header, role) in images {
            // A mask is decoded to the content's size.
            let size = role == .mask ? contentSize : options.workingSize(width: header.width, height: header.height, role: role)
            decoding = max(decoding, held + header.decodingBytes(width: size.width, height: size.height))
            held += size.width * size.height * header.planes * MemoryLayout<Float>.size
            if role == .style { stylePixels.append(size.width * size.height) }
        }
        let contentPixels = contentSize.width * contentSize.height
        // Colour preservation recolours a copy of every style.
        let recoloured = options.preserveColor ? stylePixels.reduce(0, +) * 3 * MemoryLayout<Float>.size : 0
        self.decoding = decoding
        stylizing = held + recoloured + (masks.isEmpty ? 0 : EngineMemory.maskedBlendBytesPerPixel * contentPixels)
            + EngineMemory.bytes(method: options.method, contentPixels: contentPixels, stylePixels: stylePixels,
                                 reconstructs: options.alpha < 1 || !masks.isEmpty, threads: threads)
    }
}

/// The engine's working memory for one stylization, beyond its decoded inputs, fitted from above
/// to the peak resident memory `sanet bench` measured (README.md, "Limits"). SANet and AdaIN
/// hold a full-resolution layer while it fits the band budget (128 MB) and stream in bands
/// beyond, so their cost per pixel falls as images grow; what stays is the relu4_1 features
/// (512 floats every 64 pixels) and their stylized copy. Styles are encoded one at a time,
/// after the content. Magenta's transformer grows with the content alone. Public for `sanet
/// bench`, which prints it beside the passes that scripts/check-memory.sh measures.
public enum EngineMemory {
    /// What a masked blend holds beside the passes: its sum (SANet's and AdaIN's 512 channels
    /// at an eighth of each side, 32 bytes a content pixel; Magenta's RGB result, 12) and each
    /// mask's coverage once resampled.
    static let maskedBlendBytesPerPixel = 48

    /// SANet's reconstruction T(c, c), which alpha < 1 and masks blend in: the content as its own
    /// style (keys and values at relu4_1 and relu5_1) and the result, beside the stylized features.
    /// Measured: 112 bytes a pixel more at 2048 x 2048 with alpha 0.5 (1154 MiB against 694).
    static let selfAttentionBytesPerPixel = 144

    /// Threads of the passes the figures below were measured on.
    static let measuredThreads = 2

    /// What each thread beyond `measuredThreads` adds to a pass's peak. SANet's: its attention
    /// scores (4 MiB a thread) and OpenBLAS's packed operands beside them, measured 5.2 and 5.5
    /// MiB a thread with 16 threads against 2 at 2048 and 4096 px; Magenta's rose 0.7 MiB a thread
    /// at 2048 px, AdaIN's not at all.
    static func bytesPerExtraThread(_ method: Method) -> Int {
        switch method {
        case .sanet: 6 << 20
        case .adain: 0
        case .magenta: 1 << 20
        }
    }

    /// `reconstructs`: the blend needs the reconstruction (alpha below 1, or masks); `threads`:
    /// those the pass runs on.
    public static func bytes(method: Method, contentPixels: Int, stylePixels: [Int], reconstructs: Bool,
                             threads: Int) -> Int {
        let extraThreads = max(0, threads - measuredThreads) * bytesPerExtraThread(method)
        switch method {
        case .sanet, .adain:
            let style = stylePixels.max() ?? 0
            let selfAttention = method == .sanet && reconstructs ? selfAttentionBytesPerPixel * contentPixels : 0
            return (48 << 20) + encoderAndDecoder(pixels: contentPixels) + encoderAndDecoder(pixels: style) * 3 / 5
                + selfAttention + extraThreads
        case .magenta:
            return (16 << 20) + 200 * contentPixels + extraThreads
        }
    }

    /// 520 bytes a pixel up to 512 x 512, 250 up to 1024 x 1024, 90 up to 2048 x 2048, 55 beyond
    /// (a 4096 px pass peaked 30 MiB higher on an AVX2-only processor than with AVX-512).
    private static func encoderAndDecoder(pixels: Int) -> Int {
        let tiers: [(pixels: Int, bytes: Int)] = [(1 << 18, 520), (1 << 20, 250), (1 << 22, 90), (Int.max, 55)]
        var total = 0, below = 0
        for tier in tiers where pixels > below {
            total += tier.bytes * (min(pixels, tier.pixels) - below)
            below = tier.pixels
        }
        return total
    }
}
