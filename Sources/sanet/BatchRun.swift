import Engine
import Foundation
import ImageCodec
import StyleTransfer

/// A batch's content images stylized in turn with one loaded model and styles decoded once; an
/// image that cannot be read, stylized or written is reported and the batch goes on.
struct BatchRun {
    /// A content image that gave no result, and why.
    struct Failure: Equatable {
        let input: String
        let reason: String
    }

    let model: StyleTransferModel
    let styles: [Image]
    /// One per style, or none; each is decoded to every content's size.
    let maskFiles: [[UInt8]]
    let options: StylizeOptions
    let encoding: ImageEncoding
    let context: ComputeContext

    /// Runs every item of `plan`, telling `progress`; returns the failures, in the plan's order.
    func run(_ plan: BatchPlan, progress: BatchProgress) -> [Failure] {
        // The styles are the same for every content, so the cache holds at most their encodings:
        // unbounded, it keeps each one for the whole batch. Recoloured to each content
        // (--preserve-color), a style is never seen again and the cache keeps its bound.
        if !options.preserveColor {
            model.styleCache.capacityBytes = .max
        }
        var failures: [Failure] = []
        for (offset, item) in plan.items.enumerated() {
            let position = offset + 1
            progress.started(item.input, position: position, total: plan.items.count)
            let outcome = stylize(item)
            if case let .failed(reason) = outcome {
                failures.append(Failure(input: item.input, reason: reason))
            }
            progress.finished(item.input, position: position, total: plan.items.count, outcome: outcome)
        }
        progress.end()
        return failures
    }

    private func stylize(_ item: BatchPlan.Item) -> BatchOutcome {
        let start = ContinuousClock.now
        guard let content = FileManager.default.contents(atPath: item.input) else {
            return .failed(reason: "cannot read it: no such file or not readable")
        }
        let image: EncodedImage
        do {
            image = try model.stylize(contentFile: [UInt8](content), styles: styles, maskFiles: maskFiles, options: options,
                                      encoding: encoding, decoder: ImageDecoder(), context: context)
        } catch {
            return .failed(reason: "\(error)")
        }
        do {
            try Data(image.bytes).write(to: URL(fileURLWithPath: item.output), options: .atomic)
        } catch {
            return .failed(reason: "cannot write \(item.output): \(error.localizedDescription)")
        }
        return .written(output: item.output, seconds: (ContinuousClock.now - start).seconds,
                        flattenedAlpha: image.flattenedAlpha)
    }
}
