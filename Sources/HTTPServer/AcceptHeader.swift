/// The `Accept` request header (RFC 9110 §12.5.1), read by a server that can produce a few
/// media types and has to pick one.
///
/// Each offered type gets the weight (q) of the most specific range that matches it: `image/png`
/// before `image/*` before `*/*`. Parameters other than q are not compared, and a range that does
/// not parse matches nothing.
public struct AcceptHeader: Sendable, Equatable {
    struct MediaRange: Sendable, Equatable {
        let type: String
        let subtype: String
        let quality: Double

        /// 2 for `type/subtype`, 1 for `type/*`, 0 for `*/*`; nil when it does not match.
        func specificity(matching type: String, _ subtype: String) -> Int? {
            if self.type == "*" { return self.subtype == "*" ? 0 : nil }
            guard self.type == type else { return nil }
            if self.subtype == "*" { return 1 }
            return self.subtype == subtype ? 2 : nil
        }
    }

    let ranges: [MediaRange]

    /// `values` are the header's instances, in order (a header sent twice counts as one list).
    /// Nil when there is none, or only empty ones: such a client takes any type.
    public init?(_ values: [String]) {
        let elements = values.flatMap { $0.split(separator: ",") }.filter { !$0.trimmingOWS().isEmpty }
        guard !elements.isEmpty else { return nil }
        ranges = elements.compactMap(Self.range)
    }

    /// The type of `offers` the client prefers: the highest q, then the one it named more
    /// specifically, then the first in `offers` (the server's own order). Nil when every offer has
    /// q=0 or matches no range: nothing the server can produce is acceptable.
    public func preferred(among offers: [String]) -> String? {
        var best: (offer: String, quality: Double, specificity: Int)?
        for offer in offers {
            let parts = offer.lowercased().split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let matches = ranges.compactMap { range in
                range.specificity(matching: parts[0], parts[1]).map { (range.quality, $0) }
            }
            guard let specificity = matches.map(\.1).max() else { continue }
            let quality = matches.filter { $0.1 == specificity }.map(\.0).max() ?? 0
            guard quality > 0 else { continue }
            if best.map({ quality > $0.quality || (quality == $0.quality && specificity > $0.specificity) }) ?? true {
                best = (offer, quality, specificity)
            }
        }
        return best?.offer
    }

    /// One element of the list: `type/subtype` and its parameters, of which only q counts (a
    /// number from 0 to 1 with at most three decimals).
    private static func range(_ element: Substring) -> MediaRange? {
        let fields = element.split(separator: ";").map { $0.trimmingOWS().lowercased() }
        guard let mediaType = fields.first, !mediaType.isEmpty else { return nil }
        let parts = mediaType.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0] != "*" || parts[1] == "*" else { return nil }
        var quality = 1.0
        for parameter in fields.dropFirst() where parameter.hasPrefix("q=") {
            let text = parameter.dropFirst(2)
            guard text.count <= 5, let value = Double(text), (0...1).contains(value) else { return nil }
            quality = value
            break
        }
        return MediaRange(type: parts[0], subtype: parts[1], quality: quality)
    }
}
