import Foundation

/// The API contract (openapi.yaml at the repository root), served as written.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url) else { return [] }
        return Array(data)
    }()
}
