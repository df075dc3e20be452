import CImageCodec

extension icc_status {
    /// The C layer's message; only meaningful when `code` is not `ICC_OK`.
    var text: String {
        withUnsafeBytes(of: message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
