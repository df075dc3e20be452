import HTTPServer
import Logging

extension StylizeService {
    /// Probes a load balancer or the kubelet sends every second or so: answered 2xx, their lines
    /// are logged at debug level, so that they do not drown the requests; a failed probe stays
    /// at info, so a replica leaving the rotation shows in the log.
    static let probePaths: Set<String> = ["/healthz", "/readyz"]

    /// One structured line and the request metrics per response.
    func log(_ entry: HTTPAccessLogEntry) {
        let path = entry.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let route = routePaths.contains(path) ? path
            : routePaths.first { $0.count > 1 && $0.hasSuffix("/") && path.hasPrefix($0) } ?? ServiceMetrics.otherRoute
        metrics.recordRequest(route: route, method: ServiceMetrics.methodLabel(entry.method), status: entry.status.code,
                              seconds: entry.duration, bytesIn: entry.bytesIn, bytesOut: entry.bytesOut)
        let requestID = entry.responseHeaders[RequestID.header] ?? entry.requestHeaders[RequestID.header] ?? "-"
        let level: Logger.Level = Self.probePaths.contains(path) && entry.status.code < 300 ? .debug : .info
        logger.log(level: level, "request", metadata: [
            "request_id": "\(requestID)",
            "method": "\(entry.method)",
            "target": "\(entry.target)",
            "status": "\(entry.status.code)",
            "bytes_in": "\(entry.bytesIn)",
            "bytes_out": "\(entry.bytesOut)",
            "duration_ms": "\(Int((entry.duration * 1000).rounded()))",
            "remote": "\(entry.remoteAddress)",
        ])
    }
}
