import HTTPServer

// Input: 6 control bytes, then a multipart/form-data body.
//   0, 1: where to cut the body into up to three pieces
//   2: the boundary (one of a few, all valid)
//   3, 4, 5: the part-count, part-header and part-size limits, kept small so they are reached
// Property: the parts (names, file names, types, headers, bodies) or the error are the same
// for any cut of the body.

let boundaries = ["XyZ", "b", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "a b", "--", "0123456789012345678901234567890123456789012345678901234567890123456789"]

func verdict(_ body: [UInt8], cuts: [Int], boundary: String, limits: MultipartLimits) -> String {
    do {
        let parser = try MultipartParser(boundary: boundary, limits: limits)
        var previous = 0
        for end in cuts.sorted() + [body.count] {
            try parser.feed(body[previous..<end])
            previous = end
        }
        let parts = try parser.finish()
        return parts.map { part in
            "part \(part.name) \(part.filename ?? "-") \(part.contentType ?? "-") \(part.headers.fields.map { "\($0.name): \($0.value)" }) \(part.body)"
        }.joined(separator: "\n")
    } catch let error as MultipartError {
        return "error \(error.kind) \(error.detail) \(error.problem.status.code)"
    } catch {
        return "unexpected error \(error)"
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let pointer, size >= 6 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: pointer, count: size))
    let boundary = boundaries[Int(input[2]) % boundaries.count]
    let limits = MultipartLimits(maxParts: 1 + Int(input[3] % 8), maxPartHeaderBytes: 8 + Int(input[4]),
                                 maxPartBytes: 1 + Int(input[5]) * 16, maxTotalBytes: 1 << 20)
    let body = Array(input[6...])
    let cuts = [input[0], input[1]].filter { $0 != 0 }.map { Int($0) * body.count / 256 }
    let whole = verdict(body, cuts: [], boundary: boundary, limits: limits)
    let pieces = verdict(body, cuts: cuts, boundary: boundary, limits: limits)
    if whole != pieces {
        fatalError("verdict depends on the cuts: cuts \(cuts)\none piece: \(whole)\npieces: \(pieces)")
    }
    // The Content-Type route to the same parser must not trap either.
    _ = try? MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=" + String(decoding: body.prefix(80), as: UTF8.self))
    return 0
}
