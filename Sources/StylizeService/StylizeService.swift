import Engine
import Foundation
import HTTPServer
import Logging
import StyleTransfer

/// The stylization microservice: the HTTP server, its routes, the worker pool and the weights.
public final class StylizeService: @unchecked Sendable {
    public let configuration: ServiceConfiguration
    let logger: Logger
    let metrics = ServiceMetrics()
    let model = ModelState()
    let pool: WorkerPool
    let timing = StylizationTiming()
    let memory: MemoryBudget
    /// Reads forms and image headers off the I/O queues, a few at a time.
    let preparation: OperationQueue
    private let router = Router()
    private var server: HTTPServer!
    /// The paths of the routes (prefixes end in `/`), the labels of the request metrics.
    var routePaths: Set<String> = []

    public init(configuration: ServiceConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let metrics = metrics
        memory = MemoryBudget(capacity: configuration.memoryBudget, returnFreedMemory: { HeapReuse.returnFreedMemory() })
        preparation = OperationQueue()
        preparation.name = "stylize-preparation"
        preparation.maxConcurrentOperationCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
        pool = WorkerPool(workers: configuration.workers, capacity: configuration.queueDepth) { snapshot in
            metrics.recordQueue(queued: snapshot.queued, busy: snapshot.busy)
        }
        registerRoutes(on: router)
        server = HTTPServer(configuration: configuration.http, router: router, logger: logger,
                            finishResponse: { [cors = configuration.cors] requestHeaders, response in
                                if !response.headers.contains(RequestID.header) {
                                    response.headers.set(RequestID.header, RequestID.of(requestHeaders))
                                }
                                cors.decorate(&response, requestHeaders: requestHeaders)
                            },
                            accessLog: { [weak self] entry in self?.log(entry) })
    }

    /// Starts listening and loading the weights; returns the bound port. Throws at once when the
    /// weights folder holds no complete set of checkpoints. `onLoadFailure` is called if loading fails later.
    @discardableResult
    public func start(onLoadFailure: @escaping @Sendable (String) -> Void = { _ in }) throws -> Int {
        let methods = Method.available(in: configuration.weightsDirectory)
        guard !methods.isEmpty else {
            let needed = Method.allCases.map { "\($0.rawValue): \($0.weightFiles.joined(separator: ", "))" }
            throw ServiceError(description: "no method's checkpoints are complete in \(configuration.weightsDirectory.path) "
                + "(\(needed.joined(separator: "; "))); see weights/README.md")
        }
        for method in Method.allCases where !methods.contains(method) {
            logger.warning("method unavailable: its files are not in the weights directory", metadata: [
                "method": "\(method.rawValue)", "missing": "\(method.missingFiles(in: configuration.weightsDirectory))",
                "fix": "weights/fetch.sh (see weights/README.md)"])
        }
        // Two heaps: memory a request frees is reused by the next one, whichever thread it runs
        // on, so the process stays near what its requests hold (see MemoryBudget).
        HeapReuse.shareHeaps(2)
        let port = try server.start()
        logger.info("loading weights", metadata: ["methods": "\(methods.map(\.rawValue))",
                                                  "directory": "\(configuration.weightsDirectory.path)"])
        let started = Date()
        model.load(configuration, methods: Set(methods)) { [logger] phase in
            switch phase {
            case let .ready(_, defaultMethod):
                logger.info("ready", metadata: ["seconds": "\(String(format: "%.2f", -started.timeIntervalSinceNow))",
                                                "default_method": "\(defaultMethod.rawValue)"])
            case let .failed(reason):
                logger.error("cannot load the weights", metadata: ["error": "\(reason)"])
                onLoadFailure(reason)
            case .loading:
                break
            }
        }
        return port
    }

    /// Stops accepting, answers what is in flight (queued requests included) within the drain
    /// timeout, then stops the workers and calls `completion`.
    public func shutdown(completion: @escaping @Sendable () -> Void = {}) {
        server.beginShutdown(drainTimeout: configuration.drainTimeout) { [pool] in
            pool.stop()
            completion()
        }
    }
}

/// A configuration the service cannot start with.
public struct ServiceError: Error, CustomStringConvertible {
    public let description: String
}
