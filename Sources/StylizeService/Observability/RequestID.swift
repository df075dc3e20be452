import Foundation
import HTTPServer

/// The id that ties a request's log line to the client's: the client's own `X-Request-ID` when
/// it is a reasonable token, else a new one. Echoed in every response, the server's own errors included.
enum RequestID {
    static let header = "X-Request-ID"

    static func of(_ headers: HTTPHeaders) -> String {
        if let given = headers[header], (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) {
            return given
        }
        return UUID().uuidString.lowercased()
    }
}
