import Foundation
import ImageCodec
import StyleTransfer

/// Where the weights are: the service listens (and answers liveness checks) while they load,
/// and only reports ready once they have.
final class ModelState: @unchecked Sendable {
    enum Phase {
        case loading
        case ready(Stylization, defaultMethod: Method)
        case failed(String)
    }

    private let lock = NSLock()
    private var current = Phase.loading

    var phase: Phase {
        lock.withLock { current }
    }

    /// Loads every method whose checkpoints are in the folder, off the caller's thread.
    func load(_ configuration: ServiceConfiguration, methods: Set<Method>, completion: @escaping @Sendable (Phase) -> Void) {
        Thread.detachNewThread { [self] in
            let phase: Phase
            do {
                let model = try StyleTransferModel(weightsDirectory: configuration.weightsDirectory, methods: methods)
                let stylization = Stylization(model: model, decoder: ImageDecoder(maxPixels: configuration.maxPixels),
                                              maxSide: configuration.maxSide)
                phase = .ready(stylization, defaultMethod: model.methods.min()!)
            } catch {
                phase = .failed("\(error)")
            }
            lock.withLock { current = phase }
            completion(phase)
        }
    }
}
