import Foundation
import HTTPServer

extension StylizeService {
    func registerRoutes(on router: Router) {
        router.add("POST", "/v1/stylize") { [unowned self] request, exchange in
            try stylize(request, exchange)
        }
        router.add("GET", "/healthz") { _, exchange in
            exchange.respond(HTTPResponse(json: Array(#"{"status":"ok"}"#.utf8)))
        }
        router.add("GET", "/readyz") { [unowned self] _, exchange in
            exchange.respond(readiness())
        }
        router.add("GET", "/metrics") { [unowned self] _, exchange in
            exchange.respond(HTTPResponse(headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                          body: metrics.exposition()))
        }
        router.add("GET", "/openapi.yaml") { _, exchange in
            exchange.respond(HTTPResponse(headers: ["Content-Type": "application/yaml"], body: OpenAPIDocument.bytes))
        }
    }

    /// 200 once the weights are loaded and the queue has room, else 503: a load balancer then
    /// sends new work elsewhere while liveness (/healthz) still holds.
    func readiness() -> HTTPResponse {
        let queue = pool.snapshot
        var body: [String: Any] = [
            "queue": ["queued": queue.queued, "capacity": pool.capacity],
            "workers": ["busy": queue.busy, "total": configuration.workers],
        ]
        let ready: Bool
        switch model.phase {
        case .loading:
            body["status"] = "loading"
            ready = false
        case let .failed(reason):
            body["status"] = "failed"
            body["error"] = reason
            ready = false
        case let .ready(stylization, defaultMethod):
            ready = pool.hasRoom
            body["status"] = ready ? "ready" : "busy"
            body["methods"] = stylization.model.methods.map(\.rawValue)
            body["default_method"] = defaultMethod.rawValue
        }
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return HTTPResponse(status: ready ? .ok : .serviceUnavailable, json: Array(json))
    }
}
