import Foundation
import HTTPServer

/// Everything an operator can set about the service. The defaults are the ones measured to
/// suit a 2-core machine (see README.md, "Configuration").
public struct ServiceConfiguration: Sendable {
    public var http: HTTPServerConfiguration
    public var weightsDirectory: URL
    /// Stylizations run at once, each on its own thread. One per core with one thread each
    /// gave about 1.2 to 1.8 times the throughput of one worker with two threads on 2 cores
    /// (Benchmarks/load.py, README "Choosing workers and threads").
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Threads the matrix products of one stylization use.
    public var threadsPerWorker = 1
    /// Requests that may wait for a worker; beyond them the answer is 503 at once.
    public var queueDepth = 8
    /// Seconds from a request's arrival to its answer, waiting included; then 503 if still queued, 504 if running.
    public var requestTimeout: TimeInterval = 300
    /// Seconds SIGTERM waits for requests in flight before closing what is left.
    public var drainTimeout: TimeInterval = 60
    /// Largest decoded image, in pixels, checked from the header before decoding.
    public var maxPixels = 40_000_000
    /// Largest longer side an image is stylized at (content_size and style_size, or the
    /// original size when they are 0): the cost grows with its square.
    public var maxSide = 4096
    /// Most style images in one request.
    public var maxStyles = 4
    /// Bytes that requests in progress may hold at once (uploads, decoded images, the engine's
    /// working memory), beside the weights and the style cache; beyond it, 503 with Retry-After.
    /// 1.625 GiB holds the largest side's SANet or AdaIN request (4096 px content, 512 px style);
    /// with the weights (about 130 MB) and a full style cache (128 MB) it stays under the
    /// 2 GiB that the deployment files give the container.
    public var memoryBudget = 13 << 27
    /// Bytes one request may need, estimated from its image headers before decoding; beyond it,
    /// 413. Unset, the whole budget (a 4096 px SANet stylization, 512 px style, is estimated at 1568 MiB).
    public var maxRequestMemory: Int?
    /// What one request may need, at most the budget.
    var requestMemoryLimit: Int { min(maxRequestMemory ?? memoryBudget, memoryBudget) }
    /// Largest text field of the form (the options are a few bytes each).
    public var maxFieldBytes = 1024
    public var defaultContentSize = 512
    public var defaultStyleSize = 512
    /// Other origins whose pages may call the service from a browser; none by default.
    public var cors = CORSPolicy()

    public init(http: HTTPServerConfiguration, weightsDirectory: URL) {
        self.http = http
        self.weightsDirectory = weightsDirectory
    }

    /// Refuses settings the service cannot run with, naming the setting.
    public func validate() throws {
        let checks: [(Bool, String)] = [
            ((0...65535).contains(http.port), "the port must be from 0 to 65535"),
            (workers >= 1, "workers must be at least 1"),
            (threadsPerWorker >= 1, "threads must be at least 1"),
            (queueDepth >= 0, "the queue depth cannot be negative"),
            (http.maxBodyBytes > 0, "the body limit must be positive"),
            (maxPixels > 0, "the pixel limit must be positive"),
            (maxSide >= 32, "the largest side must be at least 32"),
            (maxStyles >= 1, "at least one style image must be allowed"),
            (memoryBudget >= http.maxBodyBytes, "the memory budget must be at least the body limit, or no upload of that size fits"),
            (maxRequestMemory.map { (1...memoryBudget).contains($0) } ?? true,
             "the request memory limit must be from 1 byte to the memory budget"),
            ((0...maxSide).contains(defaultContentSize), "the default content size must be from 0 to the largest side"),
            ((0...maxSide).contains(defaultStyleSize), "the default style size must be from 0 to the largest side"),
            (requestTimeout > 0 && drainTimeout >= 0, "timeouts must be positive"),
            (cors.allowedOrigins.allSatisfy(CORSPolicy.isValidOrigin),
             "CORS origins must be * or scheme://host[:port] without a path, e.g. https://app.example.com"),
        ]
        if let failed = checks.first(where: { !$0.0 }) {
            throw ServiceError(description: failed.1)
        }
    }
}
