import HTTPServer
import ImageCodec

extension ImageFormat {
    /// The format for a request without a `format` field: the one its Accept header prefers
    /// (PNG without one, and on a tie), or 406 when it accepts none of them.
    static func negotiated(_ accept: AcceptHeader?) throws -> ImageFormat {
        guard let accept else { return .png }
        let offers = allCases.map(\.mediaType)
        guard let chosen = accept.preferred(among: offers), let format = allCases.first(where: { $0.mediaType == chosen }) else {
            throw Problem(.notAcceptable, detail: "the Accept header accepts none of the formats this service produces ("
                + offers.joined(separator: ", ") + "); accept one of them, or send the form field format="
                + allCases.map(\.rawValue).joined(separator: "|"))
        }
        return format
    }
}
