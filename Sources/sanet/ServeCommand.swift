import ArgumentParser
import Foundation
import HTTPServer
import Logging
import StylizeService

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP stylization service.",
        discussion: "Every option can also be set with the environment variable in brackets; a flag wins."
    )

    @Option(help: "Directory holding the checkpoints [SANET_WEIGHTS].") var weights: String?
    @Option(help: "Address to listen on; 0.0.0.0 or :: for all interfaces [SANET_HOST] (default 127.0.0.1).") var host: String?
    @Option(help: "Port [SANET_PORT] (default 8080).") var port: Int?
    @Option(help: "Stylizations run at once [SANET_WORKERS] (default: one per core).") var workers: Int?
    @Option(help: "Threads per stylization [SANET_THREADS] (default: cores / workers, at least 1).") var threads: Int?
    @Option(help: "Requests that may wait for a worker before 503 [SANET_QUEUE_DEPTH] (default 8).") var queueDepth: Int?
    @Option(help: "Largest request body in bytes [SANET_MAX_BODY_BYTES] (default 33554432).") var maxBodyBytes: Int?
    @Option(help: "Largest image in pixels, from its header [SANET_MAX_PIXELS] (default 40000000).") var maxPixels: Int?
    @Option(help: "Largest side an image is stylized at [SANET_MAX_SIDE] (default 4096).") var maxSide: Int?
    @Option(help: "Most style images per request [SANET_MAX_STYLES] (default 4).") var maxStyles: Int?
    @Option(help: "Default content_size [SANET_CONTENT_SIZE] (default 512).") var contentSize: Int?
    @Option(help: "Default style_size [SANET_STYLE_SIZE] (default 512).") var styleSize: Int?
    @Option(help: "Seconds for a whole request, queueing included [SANET_REQUEST_TIMEOUT] (default 300).") var requestTimeout: Double?
    @Option(help: "Seconds to receive a request head [SANET_HEADER_TIMEOUT] (default 10).") var headerTimeout: Double?
    @Option(help: "Seconds without a body byte [SANET_BODY_TIMEOUT] (default 30).") var bodyTimeout: Double?
    @Option(help: "Seconds for a whole request to arrive, from its first byte [SANET_READ_TIMEOUT] (default 60).") var readTimeout: Double?
    @Option(help: "Bytes all requests in progress may hold [SANET_MEMORY_BUDGET] (default 1744830464).") var memoryBudget: Int?
    @Option(help: "Bytes one request may need [SANET_MAX_REQUEST_MEMORY] (default: the memory budget).") var maxRequestMemory: Int?
    @Option(help: "Seconds an idle keep-alive connection stays open [SANET_KEEPALIVE_TIMEOUT] (default 15).") var keepAliveTimeout: Double?
    @Option(help: "Seconds SIGTERM waits for requests in flight [SANET_DRAIN_TIMEOUT] (default 60).") var drainTimeout: Double?
    @Option(help: "Most open connections [SANET_MAX_CONNECTIONS] (default 1024).") var maxConnections: Int?
    @Option(help: "Origins whose web pages may call the service, comma-separated, or * for any [SANET_CORS_ORIGINS] (default: none).")
    var corsOrigins: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical [SANET_LOG_LEVEL] (default info).") var logLevel: String?

    func run() throws {
        let configuration = try resolvedConfiguration()
        let level = try setting(logLevel, environment: "SANET_LOG_LEVEL", default: "info")
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ValidationError("unknown log level '\(level)'")
        }
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let service = StylizeService(configuration: configuration, logger: Logger(label: "sanet"))
        // Log lines are written by a thread of their own: each way out waits for them.
        do {
            try service.start(onLoadFailure: { _ in
                LogWriter.standardError.flush()
                Foundation.exit(1)
            })
        } catch {
            LogWriter.standardError.flush()
            throw error
        }
        let signals = [SIGTERM, SIGINT].map { (number: Int32) -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                service.shutdown {
                    LogWriter.standardError.flush()
                    Foundation.exit(0)
                }
            }
            source.resume()
            return source
        }
        withExtendedLifetime(signals) { dispatchMain() }
    }

    private func resolvedConfiguration() throws -> ServiceConfiguration {
        guard let directory = weights ?? ProcessInfo.processInfo.environment["SANET_WEIGHTS"] else {
            throw ValidationError("give the checkpoint folder with --weights DIR or SANET_WEIGHTS")
        }
        var http = HTTPServerConfiguration(host: try setting(host, environment: "SANET_HOST", default: "127.0.0.1"),
                                           port: try setting(port, environment: "SANET_PORT", default: 8080))
        http.maxBodyBytes = try setting(maxBodyBytes, environment: "SANET_MAX_BODY_BYTES", default: 32 << 20)
        http.headerTimeout = try setting(headerTimeout, environment: "SANET_HEADER_TIMEOUT", default: http.headerTimeout)
        http.bodyIdleTimeout = try setting(bodyTimeout, environment: "SANET_BODY_TIMEOUT", default: http.bodyIdleTimeout)
        http.readTimeout = try setting(readTimeout, environment: "SANET_READ_TIMEOUT", default: http.readTimeout)
        http.keepAliveTimeout = try setting(keepAliveTimeout, environment: "SANET_KEEPALIVE_TIMEOUT",
                                            default: http.keepAliveTimeout)
        http.maxConnections = try setting(maxConnections, environment: "SANET_MAX_CONNECTIONS", default: http.maxConnections)

        var configuration = ServiceConfiguration(http: http, weightsDirectory: URL(fileURLWithPath: directory))
        configuration.workers = try setting(workers, environment: "SANET_WORKERS", default: configuration.workers)
        configuration.threadsPerWorker = try setting(threads, environment: "SANET_THREADS",
                                                     default: max(1, ProcessInfo.processInfo.activeProcessorCount / configuration.workers))
        configuration.queueDepth = try setting(queueDepth, environment: "SANET_QUEUE_DEPTH", default: configuration.queueDepth)
        configuration.maxPixels = try setting(maxPixels, environment: "SANET_MAX_PIXELS", default: configuration.maxPixels)
        configuration.maxSide = try setting(maxSide, environment: "SANET_MAX_SIDE", default: configuration.maxSide)
        configuration.maxStyles = try setting(maxStyles, environment: "SANET_MAX_STYLES", default: configuration.maxStyles)
        configuration.memoryBudget = try setting(memoryBudget, environment: "SANET_MEMORY_BUDGET",
                                                 default: configuration.memoryBudget)
        configuration.maxRequestMemory = try setting(maxRequestMemory, environment: "SANET_MAX_REQUEST_MEMORY",
                                                     default: configuration.memoryBudget)
        configuration.defaultContentSize = try setting(contentSize, environment: "SANET_CONTENT_SIZE",
                                                       default: configuration.defaultContentSize)
        configuration.defaultStyleSize = try setting(styleSize, environment: "SANET_STYLE_SIZE",
                                                     default: configuration.defaultStyleSize)
        configuration.requestTimeout = try setting(requestTimeout, environment: "SANET_REQUEST_TIMEOUT",
                                                   default: configuration.requestTimeout)
        configuration.drainTimeout = try setting(drainTimeout, environment: "SANET_DRAIN_TIMEOUT",
                                                 default: configuration.drainTimeout)
        configuration.cors = CORSPolicy(list: try setting(corsOrigins, environment: "SANET_CORS_ORIGINS", default: ""))
        try configuration.validate()
        return configuration
    }
}
