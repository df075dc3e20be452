@testable import HTTPServer

// Input: 5 control bytes, then the bytes a client sends.
//   0, 1: where to cut the bytes into up to three reads (fractions of the length, 0 = no cut)
//   2, 3, 4: the request-line, header-section and header-count limits, kept small so they are reached
// Property: the parser's verdict (each head's fields and consumed count, or the failure) is the
// same whether the bytes arrive in one read or in pieces, fed the way ConnectionStateMachine feeds them:
// the whole accumulated buffer each time, from a buffer that need not start at index 0.

struct Limits {
    let requestLine: Int
    let headerBytes: Int
    let headerCount: Int
}

func describe(_ head: RequestHead, consumed: Int) -> String {
    var text = "head \(head.method) \(head.target) \(head.version) consumed \(consumed)"
    for field in head.headers.fields { text += "\n\(field.name): \(field.value)" }
    // The decisions taken on every head; they must not trap on anything the parser accepts.
    text += "\nframing " + String(describing: Result { try head.bodyFraming(maxBodyBytes: 1 << 20) })
    text += " continue " + String(describing: Result { try head.expectsContinue() })
    text += " host " + String(describing: Result { try head.validateHost() })
    text += " keepAlive \(head.keepAlive)"
    return text
}

/// Parses up to three pipelined heads; `cuts` are offsets into `data` where a read ends.
func verdicts(_ data: ArraySlice<UInt8>, cuts: [Int], limits: Limits) -> [String] {
    var results: [String] = []
    var parser = RequestParser(maxRequestLineBytes: limits.requestLine, maxHeaderBytes: limits.headerBytes,
                               maxHeaderCount: limits.headerCount)
    var start = data.startIndex
    let ends = (cuts.map { data.startIndex + $0 } + [data.endIndex]).sorted()
    var next = 0
    var available = ends[0]
    while results.count < 3 {
        let outcome = parser.parse(data[start..<available])
        switch outcome {
        case .needMore:
            next += 1
            guard next < ends.count else {
                results.append("needMore hasStarted \(parser.hasStarted)")
                return results
            }
            available = max(available, ends[next])
        case .failure(let problem):
            results.append("failure \(problem.status.code) \(problem.detail)")
            return results
        case .head(let head, let consumed):
            precondition(consumed > 0 && consumed <= available - start, "consumed \(consumed) of \(available - start)")
            results.append(describe(head, consumed: consumed))
            start += consumed
            parser.reset()
        }
    }
    return results
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let pointer, size >= 5 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: pointer, count: size))
    let limits = Limits(requestLine: 8 + Int(input[2]), headerBytes: 8 + Int(input[3]) * 4, headerCount: 1 + Int(input[4] % 16))
    let body = Array(input[5...])
    let cuts = [input[0], input[1]].filter { $0 != 0 }.map { Int($0) * body.count / 256 }
    let whole = verdicts(body[...], cuts: [], limits: limits)
    // The same bytes after a prefix, as when earlier requests were already consumed from the buffer.
    let shifted = ([0x47, 0x45, 0x54] + body)[3...]
    let pieces = verdicts(shifted, cuts: cuts, limits: limits)
    if whole != pieces {
        fatalError("verdict depends on the reads: cuts \(cuts)\none read: \(whole)\npieces: \(pieces)")
    }
    return 0
}
