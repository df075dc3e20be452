import Foundation
import TorchCheckpoint

/// One style-attention module (SANet section 3.2): each content position gathers the style
/// features of the style positions whose normalised features match it.
public struct StyleAttention: Sendable {
    /// Query, key and value projections and the output projection; all 1x1, 512 -> 512.
    let f: Convolution, g: Convolution, h: Convolution, outConv: Convolution

    /// Floats of attention scores one thread holds at once: the (content x style) matrix is
    /// computed in blocks of content positions so that memory never grows with their product.
    static let scoreBudget = 1 << 20

    /// Content positions per block at most. Blocks have the same bounds whatever the thread
    /// count, so the products sum alike and the output is the same on any number of threads.
    static let blockLimit = 256

    static let channels = 512

    static func parameters(prefix: String) -> [ParameterSpec] {
        ["f", "g", "h", "out_conv"].flatMap {
            Convolution.parameters(prefix: "\(prefix).\($0)", inputs: channels, outputs: channels, kernel: 1)
        }
    }

    init(prefix: String, parameters: [String: [Float]]) {
        func projection(_ name: String) -> Convolution {
            Convolution(prefix: "\(prefix).\(name)", parameters: parameters,
                        inputs: Self.channels, outputs: Self.channels, kernel: 1)
        }
        f = projection("f")
        g = projection("g")
        h = projection("h")
        outConv = projection("out_conv")
    }

    /// What the module needs of a style: its keys g(norm(Fs)) and values h(Fs).
    public struct StyleMemory: Sendable {
        let keys: Tensor
        let values: Tensor
    }

    public func memory(of style: Tensor) -> StyleMemory {
        StyleMemory(keys: g(style.normalized(), relu: false), values: h(style, relu: false))
    }

    /// out_conv(V softmax(Q^T K)^T) + Fc.
    public func callAsFunction(content: Tensor, style: StyleMemory) -> Tensor {
        let query = f(content.normalized(), relu: false)
        let attended = Self.attend(query: query, memory: style)
        return outConv(attended, relu: false) + content
    }

    /// O = V S^T with S = softmax over style positions of Q^T K, a block of content positions at a
    /// time; the blocks are spread over the engine's threads, each with its own scores.
    static func attend(query: Tensor, memory: StyleMemory) -> Tensor {
        let channels = query.channels
        let contentPositions = query.planeSize
        let stylePositions = memory.keys.planeSize
        let blockSize = max(1, min(blockLimit, scoreBudget / stylePositions))
        let blocks = (contentPositions + blockSize - 1) / blockSize
        var output = Tensor(unfilled: channels, height: query.height, width: query.width)
        query.values.withUnsafeBufferPointer { q in
            memory.keys.values.withUnsafeBufferPointer { k in
                memory.values.values.withUnsafeBufferPointer { v in
                    output.values.withUnsafeMutableBufferPointer { o in
                        let q = q.baseAddress!, k = k.baseAddress!, v = v.baseAddress!, o = o.baseAddress!
                        Parallel.forEachChunk(of: blocks) { range in
                            let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockSize * stylePositions)
                            defer { scores.deallocate() }
                            for block in range {
                                let start = block * blockSize, count = min(blockSize, contentPositions - start)
                                MatrixProduct.multiply(m: count, n: stylePositions, k: channels,
                                                       q + start, lda: contentPositions, transposeA: true,
                                                       k, ldb: stylePositions,
                                                       into: scores, ldc: stylePositions)
                                softmaxRows(scores, rows: count, length: stylePositions)
                                MatrixProduct.multiply(m: channels, n: count, k: stylePositions,
                                                       v, lda: stylePositions,
                                                       scores, ldb: stylePositions, transposeB: true,
                                                       into: o + start, ldc: contentPositions)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    private static func softmaxRows(_ scores: UnsafeMutablePointer<Float>, rows: Int, length: Int) {
        for r in 0..<rows {
            let row = scores + r * length
            var peak = -Float.infinity
            for i in 0..<length { peak = max(peak, row[i]) }
            var sum: Float = 0
            for i in 0..<length {
                let e = expf(row[i] - peak)
                row[i] = e
                sum += e
            }
            let inverse = 1 / sum
            for i in 0..<length { row[i] *= inverse }
        }
    }
}
