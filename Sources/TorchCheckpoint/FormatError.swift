/// A failure found while decoding; `Checkpoint` adds the file name, so the decoders need not know it.
struct FormatError: Error {
    var key: String?
    var message: String

    init(key: String? = nil, _ message: String) {
        self.key = key
        self.message = message
    }
}

/// Offsets and sizes come from the file, so every sum and product of them is checked.
enum Checked {
    static func add(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw FormatError("\(what()) overflows: \(a) + \(b)") }
        return sum
    }

    static func multiply(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw FormatError("\(what()) overflows: \(a) * \(b)") }
        return product
    }
}
