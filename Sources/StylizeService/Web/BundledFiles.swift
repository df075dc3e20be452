import Foundation
import HTTPServer

/// Files shipped in the resource bundle (the API contract, the web page and its scripts, the
/// paintings, the sample photos), read once and served as written, so that the service works
/// where there is no internet.
enum BundledFiles {
    static let openAPI = StaticFile("openapi.yaml", type: "application/yaml", cacheControl: "no-cache")
    static let page = StaticFile("web/index.html", type: "text/html; charset=utf-8", cacheControl: "no-cache")
    static let paintingCatalog = StaticFile("paintings/catalog.json", type: "application/json", cacheControl: "no-cache")
    static let sampleCatalog = StaticFile("samples/catalog.json", type: "application/json", cacheControl: "no-cache")

    /// The bundled paintings by file name (`starry.jpg`); they never change within a release.
    static let paintings = images(in: "paintings")
    /// The bundled sample photos by file name (`cat.jpg`).
    static let samples = images(in: "samples")
    /// The page's scripts and stylesheet by file name (`page.js`); revalidated, like the page,
    /// so that a new release never pairs an old script with a new page.
    static let pageAssets = files(in: "web", types: ["js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"],
                                  cacheControl: "no-cache")

    private static func images(in folder: String) -> [String: StaticFile] {
        files(in: folder, types: ["jpg": "image/jpeg"], cacheControl: "public, max-age=86400")
    }

    /// The files of a bundled folder whose extension has a type in `types`; the others are not served.
    private static func files(in folder: String, types: [String: String], cacheControl: String) -> [String: StaticFile] {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent(folder),
              let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return [:] }
        return Dictionary(uniqueKeysWithValues: names.compactMap { name in
            types[(name as NSString).pathExtension].map { (name, StaticFile("\(folder)/\(name)", type: $0, cacheControl: cacheControl)) }
        })
    }
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
