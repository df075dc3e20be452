import Foundation

/// Handles one request. It runs on a server I/O queue and must not block:
/// it answers at once, or reads the body and/or hands the exchange to other work
/// that answers later through ``HTTPExchange/respond(_:)``.
/// Throwing answers with the error's ``Problem`` when it has one, else 500.
public typealias HTTPHandler = (HTTPRequest, HTTPExchange) throws -> Void

/// Maps a method and an exact path (or a path prefix) to a handler.
///
/// GET routes also serve HEAD, and a known path with an unregistered method
/// answers 405 with an Allow header listing the methods that are registered.
/// Exact paths win over prefixes, and a longer prefix over a shorter one.
public final class Router: @unchecked Sendable {
    /// Where a request goes: to its handler, or straight back with the router's own answer.
    enum Route {
        case handler(HTTPHandler)
        /// 404 for an unknown path, 405 with Allow for a known path and another method.
        case response(HTTPResponse)
    }

    private let lock = NSLock()
    private var routes: [String: [String: HTTPHandler]] = [:]
    private var prefixes: [(prefix: String, methods: [String: HTTPHandler])] = []

    public init() {}

    /// Registers `handler` for `method` (case-sensitive, as HTTP methods are) on the exact `path`, such as `/v1/stylize`.
    public func add(_ method: String, _ path: String, handler: @escaping HTTPHandler) {
        lock.withLock { routes[path, default: [:]][method] = handler }
    }

    /// Registers `handler` for every path under `prefix`, such as `/v1/jobs/` for `/v1/jobs/42`;
    /// the handler reads the rest from ``HTTPRequest/path``.
    public func add(_ method: String, prefix: String, handler: @escaping HTTPHandler) {
        lock.withLock {
            if let index = prefixes.firstIndex(where: { $0.prefix == prefix }) {
                prefixes[index].methods[method] = handler
            } else {
                prefixes.append((prefix, [method: handler]))
                prefixes.sort { $0.prefix.count > $1.prefix.count }
            }
        }
    }

    /// The handler for `request`, or the problem response that answers it when there is none.
    func route(_ request: HTTPRequest) -> Route {
        let path = request.path
        let methods = lock.withLock { routes[path] ?? prefixes.first(where: { path.hasPrefix($0.prefix) })?.methods }
        guard let methods else {
            return .response(HTTPResponse(problem: Problem(.notFound, detail: "No resource at \(Problem.quoted(path)).")))
        }
        if let handler = methods[request.method] ?? (request.method == "HEAD" ? methods["GET"] : nil) {
            return .handler(handler)
        }
        var allowed = Set(methods.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        let allow = allowed.sorted().joined(separator: ", ")
        var response = HTTPResponse(problem: Problem(.methodNotAllowed, detail: "\(Problem.quoted(path)) supports \(allow)."))
        response.headers.set("Allow", allow)
        return .response(response)
    }
}
