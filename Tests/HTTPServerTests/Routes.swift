import Foundation
@testable import HTTPServer

struct PlainError: Error {}

/// Routes that the protocol tests share.
func standardRoutes(_ router: Router) {
    router.add("GET", "/hello") { _, exchange in
        exchange.respond(HTTPResponse(text: "hello"))
    }
    router.add("GET", "/query") { request, exchange in
        let items = request.query.map { "\($0.name)=\($0.value)" }.joined(separator: ";")
        exchange.respond(HTTPResponse(text: "\(request.path)|\(items)"))
    }
    router.add("POST", "/echo") { request, exchange in
        exchange.collectBody { result in
            let body = try result.get()
            exchange.respond(HTTPResponse(status: .ok, headers: ["Content-Type": request.headers["Content-Type"] ?? "application/octet-stream"], body: body))
        }
    }
    router.add("PUT", "/echo") { _, exchange in
        exchange.collectBody { exchange.respond(HTTPResponse(body: try $0.get())) }
    }
    router.add("GET", "/large") { request, exchange in
        let size = Int(request.queryValue("size") ?? "") ?? 0
        exchange.respond(HTTPResponse(body: pattern(size)))
    }
    router.add("GET", "/fail") { _, _ in
        throw PlainError()
    }
    router.add("GET", "/conflict") { _, _ in
        throw Problem(.conflict, detail: "Try another name.")
    }
    router.add("POST", "/fail-later") { _, exchange in
        exchange.collectBody { _ in throw PlainError() }
    }
    router.add("POST", "/upload", handler: multipartSummary(limits: MultipartLimits()))
}

/// Accepts multipart uploads only, rejecting on the head alone (415, 413),
/// streams the body into the parser and answers `name:filename:size` per part.
func multipartSummary(limits: MultipartLimits, maxLength: Int = 8 * 1024 * 1024) -> HTTPHandler {
    return { request, exchange in
        guard let type = request.headers["Content-Type"], type.lowercased().hasPrefix("multipart/form-data") else {
            throw Problem(.unsupportedMediaType, detail: "Send multipart/form-data.")
        }
        if let length = request.contentLength, length > maxLength {
            throw Problem(.contentTooLarge, detail: "Send at most \(maxLength) bytes.")
        }
        let parser = try MultipartParser(contentType: type, limits: limits)
        exchange.readBody({ try parser.feed($0) }, completion: { result in
            _ = try result.get()
            let parts = try parser.finish()
            let summary = parts.map { "\($0.name):\($0.filename ?? "-"):\($0.contentType ?? "-"):\($0.body.count)" }
            exchange.respond(HTTPResponse(text: summary.joined(separator: "\n")))
        })
    }
}

/// `size` bytes counting 0 to 250 over and over, built a block at a time to stay fast in debug builds.
func pattern(_ size: Int) -> [UInt8] {
    let block = (0..<251).map { UInt8($0) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(size)
    while bytes.count < size { bytes += block.prefix(size - bytes.count) }
    return bytes
}
