import ArgumentParser
import Foundation
import ImageCodec
import StyleTransfer
import StylizeService

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time whole forward passes on random images (loading and image I/O excluded).",
        discussion: """
            Prints the instruction sets in use (kernels=avx512|avx2, and OpenBLAS's kernels; SANET_ISA=avx2 \
            limits both to AVX2), the memory the service would charge for one of these passes \
            (memory_estimate_bytes=<bytes>: the images and the engine's working memory), one line per timed \
            pass, then median_s=<seconds> as the last line. Every \
            pass encodes the style unless --cached-style is given. The --warmup passes before them are not \
            timed: a process's first pass also pays for touching its memory for the first time.
            """
    )

    @OptionGroup var model: ModelOptions

    @Option(help: "Side of the square content image.")
    var size: Int

    @Option(help: "Side of the square style image (default: --size).")
    var styleSize: Int?

    @Option(help: "Timed passes.")
    var reps = 3

    @Option(help: "Untimed passes first, as the other runtimes' benchmarks run them (with --cached-style, at least one).")
    var warmup = 1

    @Flag(help: "Time passes whose style is already in the style cache, so that its encoder pass is skipped.")
    var cachedStyle = false

    func validate() throws {
        let minimum = StyleTransferModel.minimumSide
        guard size >= minimum, (styleSize ?? size) >= minimum else {
            throw ValidationError("--size and --style-size must be at least \(minimum)")
        }
        guard reps > 0 else { throw ValidationError("--reps must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
    }

    func run() throws {
        let network = try model.loadModel()
        let context = model.context
        let content = try Self.randomImage(side: size)
        let style = try Self.randomImage(side: styleSize ?? size)
        let options = StylizeOptions(method: model.method, contentSize: 0, styleSize: 0)
        func pass() throws {
            if !cachedStyle { network.styleCache.removeAll() }
            _ = try network.stylize(content: content, styles: [style], options: options, context: context)
        }
        for _ in 0..<(cachedStyle ? max(1, warmup) : warmup) { try pass() }
        print(InstructionSetLimit.description)
        let images = (content.rgb.count + style.rgb.count) * MemoryLayout<Float>.size
        let engine = EngineMemory.bytes(method: model.method, contentPixels: content.pixelCount,
                                        stylePixels: [style.pixelCount], reconstructs: false, threads: context.threads)
        print("memory_estimate_bytes=\(images + engine)")
        var seconds: [Double] = []
        for rep in 1...reps {
            let start = DispatchTime.now().uptimeNanoseconds
            try pass()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            print("rep=\(rep) seconds=\(String(format: "%.3f", seconds.last!))")
        }
        let sorted = seconds.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        print("median_s=\(String(format: "%.4f", median))")
    }

    /// Random 8-bit values, as a decoded upload holds, read from /dev/urandom in bulk: one system
    /// call per value (the standard generator's) took longer than a 4096 px pass.
    private static func randomImage(side: Int) throws -> Image {
        guard let source = FileHandle(forReadingAtPath: "/dev/urandom") else {
            throw CommandLineError(description: "cannot read /dev/urandom for the benchmark's random images")
        }
        defer { try? source.close() }
        let bytes = [UInt8](source.readData(ofLength: 3 * side * side))
        return Image(width: side, height: side, rgb: bytes.map { Float($0) / 255 })
    }
}
