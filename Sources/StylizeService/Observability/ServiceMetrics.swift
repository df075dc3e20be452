import CoreMetrics
import Foundation
import Prometheus
import StyleTransfer
import Synchronization

/// The service's metrics, recorded through swift-metrics into a Prometheus registry of its own
/// (no process-wide bootstrap, so several services can live in one process, as in tests).
final class ServiceMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let queueDepth: CoreMetrics.Gauge
    private let busyWorkers: CoreMetrics.Gauge
    private let bytesIn: CoreMetrics.Counter
    private let bytesOut: CoreMetrics.Counter
    private let styleCacheHits: CoreMetrics.Counter
    private let styleCacheMisses: CoreMetrics.Counter
    private let styleCacheEntries: CoreMetrics.Gauge
    private let styleCacheBytes: CoreMetrics.Gauge
    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private let requestHandles = Mutex([RequestKey: (CoreMetrics.Counter, CoreMetrics.Timer)]())
    /// The cache's own counters as last exported, so that the Prometheus counters grow by the difference.
    private let styleCacheReported = Mutex((hits: 0, misses: 0))

    /// Routes are known paths; anything else is counted as "other" so that scanners cannot
    /// create a time series per random path.
    static let otherRoute = "other"

    /// The methods of RFC 9110; any other is counted as "other", for the same reason as routes.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]

    static func methodLabel(_ method: String) -> String {
        knownMethods.contains(method) ? method : otherRoute
    }

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160]
            .map { Duration.milliseconds(Int64($0 * 1000)) }
        self.factory = factory
        queueDepth = CoreMetrics.Gauge(label: "sanet_queue_depth", factory: factory)
        busyWorkers = CoreMetrics.Gauge(label: "sanet_workers_busy", factory: factory)
        bytesIn = CoreMetrics.Counter(label: "sanet_http_request_bytes_total", factory: factory)
        bytesOut = CoreMetrics.Counter(label: "sanet_http_response_bytes_total", factory: factory)
        styleCacheHits = CoreMetrics.Counter(label: "sanet_style_cache_hits_total", factory: factory)
        styleCacheMisses = CoreMetrics.Counter(label: "sanet_style_cache_misses_total", factory: factory)
        styleCacheEntries = CoreMetrics.Gauge(label: "sanet_style_cache_entries", factory: factory)
        styleCacheBytes = CoreMetrics.Gauge(label: "sanet_style_cache_bytes", factory: factory)
    }

    /// Brings the style cache's figures up to date; called before each scrape.
    func recordStyleCache(_ statistics: StyleCache.Statistics) {
        let (hits, misses) = styleCacheReported.withLock { reported in
            defer { reported = (statistics.hits, statistics.misses) }
            return (statistics.hits - reported.hits, statistics.misses - reported.misses)
        }
        styleCacheHits.increment(by: max(0, hits))
        styleCacheMisses.increment(by: max(0, misses))
        styleCacheEntries.record(statistics.entries)
        styleCacheBytes.record(statistics.bytes)
    }

    func recordRequest(route: String, method: String, status: Int, seconds: Double, bytesIn: Int, bytesOut: Int) {
        // The labels come from closed sets, so the handles are made once each and kept: a burst
        // of responses (a thousand 408s at once) then costs a lookup each, not a registration.
        let (counter, timer) = requestHandles.withLock { handles in
            let key = RequestKey(route: route, method: method, status: status)
            if let found = handles[key] { return found }
            let made = (CoreMetrics.Counter(label: "sanet_http_requests_total",
                                            dimensions: [("route", route), ("method", method), ("status", String(status))],
                                            factory: factory),
                        CoreMetrics.Timer(label: "sanet_http_request_duration_seconds", dimensions: [("route", route)],
                                          factory: factory))
            handles[key] = made
            return made
        }
        counter.increment()
        timer.recordNanoseconds(Int64(seconds * 1e9))
        self.bytesIn.increment(by: bytesIn)
        self.bytesOut.increment(by: bytesOut)
    }

    func recordStylization(method: String, seconds: Double) {
        CoreMetrics.Timer(label: "sanet_stylize_duration_seconds", dimensions: [("method", method)], factory: factory)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    func recordQueue(queued: Int, busy: Int) {
        queueDepth.record(queued)
        busyWorkers.record(busy)
    }

    /// The Prometheus text exposition of everything recorded so far.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
