@testable import HTTPServer

// Input: 4 control bytes, then a chunked body as the client sends it.
//   0, 1: where to cut the bytes into up to three reads
//   2, 3: the body and line limits, kept small so they are reached
// Property: the decoded body, whether it is complete, how many bytes it took and the failure
// are the same for any cut, fed the way BodyReader is fed: what is left of the inbound buffer
// plus what arrived, the consumed prefix dropped after each call.

func verdict(_ data: [UInt8], cuts: [Int], maxBodyBytes: Int, maxLineBytes: Int) -> String {
    var decoder = ChunkedDecoder(maxBodyBytes: maxBodyBytes, maxLineBytes: maxLineBytes)
    var body: [UInt8] = []
    var inbound: [UInt8] = []
    var consumedTotal = 0
    var previous = 0
    for end in cuts.sorted() + [data.count] {
        inbound += data[previous..<end]
        previous = end
        do {
            let consumed = try decoder.decode(inbound[...]) { body += $0 }
            precondition(consumed >= 0 && consumed <= inbound.count)
            consumedTotal += consumed
            inbound.removeFirst(consumed)
        } catch let problem as Problem {
            return "failure \(problem.status.code) \(problem.detail) after body \(body)"
        } catch {
            return "unexpected error \(error)"
        }
        if decoder.isDone { break }
    }
    // bodyBytes counts the chunk sizes declared so far, so it is all of them only once the body is done.
    precondition(decoder.isDone ? decoder.bodyBytes == body.count : decoder.bodyBytes >= body.count,
                 "bodyBytes \(decoder.bodyBytes), emitted \(body.count)")
    return "done \(decoder.isDone) consumed \(consumedTotal) body \(body)"
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let pointer, size >= 4 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: pointer, count: size))
    let maxBodyBytes = Int(input[2]) * 8
    let maxLineBytes = 2 + Int(input[3] % 128)
    let data = Array(input[4...])
    let cuts = [input[0], input[1]].filter { $0 != 0 }.map { Int($0) * data.count / 256 }
    let whole = verdict(data, cuts: [], maxBodyBytes: maxBodyBytes, maxLineBytes: maxLineBytes)
    let pieces = verdict(data, cuts: cuts, maxBodyBytes: maxBodyBytes, maxLineBytes: maxLineBytes)
    if whole != pieces {
        fatalError("verdict depends on the reads: cuts \(cuts)\none read: \(whole)\npieces: \(pieces)")
    }
    return 0
}
