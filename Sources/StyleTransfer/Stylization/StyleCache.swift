import Engine
import Foundation
import ImageCodec
import Synchronization

/// What a method keeps of an encoded style.
protocol EncodedStyle: Sendable {
    var bytes: Int { get }
}

extension Transform.Style: EncodedStyle {
    var bytes: Int { 4 * (memory4_1.floats + memory5_1.floats) }
}

extension ChannelStatistics: EncodedStyle {
    var bytes: Int { 4 * (mean.count + std.count) }
}

extension Array: EncodedStyle where Element == Float {
    var bytes: Int { 4 * count }
}

/// Styles already encoded, so that a style seen again skips its encoder pass: what the method
/// needs of a style image (SANet: the attention keys and values at relu4_1 and relu5_1; AdaIN:
/// the relu4_1 statistics; Magenta: the style vector), least recently used first out when the cache outgrows its capacity.
/// Keyed by the style's pixels and size after resizing (and colour matching), so a hit gives
/// exactly what encoding would give.
public final class StyleCache: Sendable {
    /// What the cache holds and how it has served, for metrics.
    public struct Statistics: Sendable, Equatable {
        public let hits: Int
        public let misses: Int
        public let entries: Int
        public let bytes: Int
        public let capacityBytes: Int
    }

    public static let defaultCapacityBytes = 128 << 20

    /// Hashed by a digest of the pixels' bytes taken once, outside the lock: hashing the floats
    /// one by one cost a few milliseconds a request, under the lock. Keys are equal when their
    /// pixels are the same bytes, as the digest sees them.
    struct Key: Hashable, Sendable {
        let method: Method
        let width: Int
        let height: Int
        let digest: UInt64
        let pixels: [Float]

        init(method: Method, image: Image) {
            self.method = method
            width = image.width
            height = image.height
            digest = Self.digest(of: image.rgb)
            pixels = image.rgb
        }

        static func == (a: Key, b: Key) -> Bool {
            a.method == b.method && a.width == b.width && a.height == b.height && a.digest == b.digest
                && a.pixels.count == b.pixels.count
                && a.pixels.withUnsafeBytes { x in
                    b.pixels.withUnsafeBytes { y in x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
                }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(method)
            hasher.combine(width)
            hasher.combine(height)
            hasher.combine(digest)
        }

        /// FNV-1a over 64-bit words: fast, and collisions only cost a comparison of the pixels.
        private static func digest(of pixels: [Float]) -> UInt64 {
            pixels.withUnsafeBytes { bytes in
                var digest: UInt64 = 0xCBF2_9CE4_8422_2325
                let words = bytes.count / 8
                for index in 0..<words {
                    digest = (digest ^ bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) &* 0x100_0000_01B3
                }
                for index in words * 8..<bytes.count { digest = (digest ^ UInt64(bytes[index])) &* 0x100_0000_01B3 }
                return digest
            }
        }
    }

    private struct State {
        var capacityBytes: Int
        var entries: [Key: (style: any EncodedStyle, bytes: Int, lastUse: Int)] = [:]
        var bytes = 0
        var clock = 0
        var hits = 0
        var misses = 0

        mutating func evict(toFit capacity: Int) {
            while bytes > capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                bytes -= oldest.value.bytes
                entries[oldest.key] = nil
            }
        }
    }

    private let state: Mutex<State>

    public init(capacityBytes: Int = StyleCache.defaultCapacityBytes) {
        precondition(capacityBytes >= 0, "cache capacity must not be negative")
        state = Mutex(State(capacityBytes: capacityBytes))
    }

    /// Bytes of encoded styles (and of the keys' pixels) the cache may hold; 0 turns it off.
    public var capacityBytes: Int {
        get { state.withLock { $0.capacityBytes } }
        set {
            precondition(newValue >= 0, "cache capacity must not be negative")
            state.withLock { state in
                state.capacityBytes = newValue
                state.evict(toFit: newValue)
            }
        }
    }

    public var statistics: Statistics {
        state.withLock {
            Statistics(hits: $0.hits, misses: $0.misses, entries: $0.entries.count, bytes: $0.bytes,
                       capacityBytes: $0.capacityBytes)
        }
    }

    /// Forgets every style; the counters keep counting.
    public func removeAll() {
        state.withLock { state in
            state.entries = [:]
            state.bytes = 0
        }
    }

    /// What `method` keeps of `image`, from the cache or from `encode()` (then kept). Encoding runs
    /// outside the lock: concurrent stylizations never wait on each other's encoder passes.
    func style<Style: EncodedStyle>(of image: Image, method: Method, encode: () throws -> Style) rethrows -> Style {
        let key = Key(method: method, image: image)
        let cached: Style? = state.withLock { state in
            state.clock += 1
            guard let found = state.entries[key]?.style as? Style else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            state.entries[key]!.lastUse = state.clock
            return found
        }
        if let cached { return cached }
        let entry = try encode()
        let bytes = entry.bytes + 4 * key.pixels.count
        state.withLock { state in
            guard bytes <= state.capacityBytes, state.entries[key] == nil else { return }
            state.evict(toFit: state.capacityBytes - bytes)
            state.clock += 1
            state.entries[key] = (entry, bytes, state.clock)
            state.bytes += bytes
        }
        return entry
    }
}
