import Foundation
import HTTPServer
import StyleTransfer

extension StylizeService {
    /// Every route: its method, its path (a trailing `/` marks a prefix), and its handler.
    /// OPTIONS (CORS preflight) is answered for each path from this table.
    var routeTable: [(method: String, path: String, handler: HTTPHandler)] {
        [
            ("POST", "/v1/stylize", { [unowned self] request, exchange in try stylize(request, exchange) }),
            ("GET", "/healthz", { _, exchange in exchange.respond(HTTPResponse(json: Array(#"{"status":"ok"}"#.utf8))) }),
            ("GET", "/readyz", { [unowned self] _, exchange in exchange.respond(readiness()) }),
            ("GET", "/metrics", { [unowned self] _, exchange in
                if case let .ready(stylization, _) = model.phase {
                    metrics.recordStyleCache(stylization.model.styleCache.statistics)
                }
                exchange.respond(HTTPResponse(headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                              body: metrics.exposition()))
            }),
            ("GET", "/openapi.yaml", { _, exchange in exchange.respond(BundledFiles.openAPI.response) }),
            ("GET", "/", { _, exchange in exchange.respond(Self.pageResponse) }),
            ("GET", "/v1/paintings", { _, exchange in exchange.respond(BundledFiles.paintingCatalog.response) }),
            ("GET", "/paintings/", Self.bundledFile(BundledFiles.paintings, prefix: "/paintings/",
                                                    missing: "painting", catalog: "GET /v1/paintings lists them")),
            ("GET", "/v1/samples", { _, exchange in exchange.respond(BundledFiles.sampleCatalog.response) }),
            ("GET", "/samples/", Self.bundledFile(BundledFiles.samples, prefix: "/samples/",
                                                  missing: "sample photo", catalog: "GET /v1/samples lists them")),
            ("GET", "/web/", Self.bundledFile(BundledFiles.pageAssets, prefix: "/web/",
                                              missing: "page file", catalog: "the page at / loads its own")),
        ]
    }

    /// Serves the file named after `prefix` from `files`; an unknown name is a 404 that says where the names are.
    private static func bundledFile(_ files: [String: StaticFile], prefix: String, missing: String,
                                    catalog: String) -> HTTPHandler {
        { request, exchange in
            let name = String(request.path.dropFirst(prefix.count))
            guard let file = files[name] else {
                throw Problem(.notFound, detail: "no bundled \(missing) \(Problem.quoted(name)); \(catalog)")
            }
            exchange.respond(file.response)
        }
    }

    func registerRoutes(on router: Router) {
        var methodsByPath: [String: [String]] = [:]
        for route in routeTable {
            register(route.method, route.path, route.handler, on: router)
            methodsByPath[route.path, default: []].append(route.method)
        }
        routePaths = Set(methodsByPath.keys)
        for (path, methods) in methodsByPath {
            let allowed = (methods.contains("GET") ? methods + ["HEAD"] : methods) + ["OPTIONS"]
            register("OPTIONS", path, { [cors = configuration.cors] request, exchange in
                exchange.respond(cors.preflight(request, methods: allowed))
            }, on: router)
        }
    }

    private func register(_ method: String, _ path: String, _ handler: @escaping HTTPHandler, on router: Router) {
        if path.count > 1 && path.hasSuffix("/") {
            router.add(method, prefix: path, handler: handler)
        } else {
            router.add(method, path, handler: handler)
        }
    }

    /// The web page may only load what the service itself serves (it must work without internet)
    /// and talk to this service; its script and styles are files from /web/, never inline. blob: and
    /// data: are the images it builds in the browser (blob: also to read its result back).
    static let pageResponse: HTTPResponse = {
        var response = BundledFiles.page.response
        response.headers.set("Content-Security-Policy", "default-src 'none'; script-src 'self'; "
            + "style-src 'self'; img-src 'self' blob: data:; connect-src 'self' blob:; form-action 'none'; "
            + "base-uri 'none'; frame-ancestors 'none'")
        return response
    }()

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
            body["unavailable"] = Dictionary(uniqueKeysWithValues: Method.allCases
                .filter { !stylization.model.methods.contains($0) }
                .map { ($0.rawValue, $0.missingFiles(in: configuration.weightsDirectory)) })
        }
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return HTTPResponse(status: ready ? .ok : .serviceUnavailable, json: Array(json))
    }
}
