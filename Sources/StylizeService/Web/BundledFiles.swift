import Foundation
import HTTPServer

/// Files shipped in the resource bundle (the API contract, the web page, the paintings), read once
/// and served as written, so that the service works where there is no internet.
enum BundledFiles {
    static let openAPI = StaticFile("openapi.yaml", type: "application/yaml", cacheControl: "no-cache")
    static let page = StaticFile("web/index.html", type: "text/html; charset=utf-8", cacheControl: "no-cache")
    static let paintingCatalog = StaticFile("paintings/catalog.json", type: "application/json", cacheControl: "no-cache")

    /// The bundled paintings by file name (`starry.jpg`); they never change within a release.
    static let paintings: [String: StaticFile] = {
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("paintings"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [:] }
        let images = names.filter { $0.hasSuffix(".jpg") }
        return Dictionary(uniqueKeysWithValues: images.map {
            ($0, StaticFile("paintings/\($0)", type: "image/jpeg", cacheControl: "public, max-age=86400"))
        })
    }()
}

/// One bundled file and how it is served.
struct StaticFile: Sendable {
    let body: [UInt8]
    let contentType: String
    let cacheControl: String

    init(_ path: String, type: String, cacheControl: String) {
        let url = Bundle.module.resourceURL?.appendingPathComponent(path)
        body = url.flatMap { try? Data(contentsOf: $0) }.map(Array.init) ?? []
        contentType = type
        self.cacheControl = cacheControl
    }

    var response: HTTPResponse {
        HTTPResponse(headers: ["Content-Type": contentType, "Cache-Control": cacheControl,
                               "X-Content-Type-Options": "nosniff"], body: body)
    }
}
