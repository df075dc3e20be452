import CKernels
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

    /// What the module needs of a style: its keys g(norm(Fs)) and values h(Fs), the values
    /// position by position (style positions x channels), as the attention's second product reads them.
    public struct StyleMemory: Sendable {
        let keys: Tensor
        let valuesByPosition: [Float]

        var floats: Int { keys.values.count + valuesByPosition.count }
    }

    public func memory(of style: Tensor) -> StyleMemory {
        let values = h(style, relu: false)
        let valuesByPosition = MatrixProduct.transpose(values.values, rows: values.channels, columns: values.planeSize)
        return StyleMemory(keys: g(style.normalized(), relu: false), valuesByPosition: valuesByPosition)
    }

    /// out_conv(V softmax(Q^T K)^T) + Fc.
    public func callAsFunction(content: Tensor, style: StyleMemory) -> Tensor {
        let query = f(content.normalized(), relu: false)
        let attended = Self.attend(query: query, memory: style)
        return outConv(attended, relu: false) + content
    }

    /// O = V S^T with S = softmax over style positions of Q^T K, a block of content positions at a
    /// time; the blocks are spread over the engine's threads, each with its own scores. Both
    /// products run untransposed on position-major operands: O^T = S V^T from Q^T and V^T.
    static func attend(query: Tensor, memory: StyleMemory) -> Tensor {
        let channels = query.channels
        let contentPositions = query.planeSize
        let stylePositions = memory.keys.planeSize
        let blockSize = max(1, min(blockLimit, scoreBudget / stylePositions))
        let blocks = (contentPositions + blockSize - 1) / blockSize
        let queryByPosition = MatrixProduct.transpose(query.values, rows: channels, columns: contentPositions)
        var attendedByPosition = [Float](unsafeUninitializedCapacity: contentPositions * channels) { $1 = $0.count }
        queryByPosition.withUnsafeBufferPointer { q in
            memory.keys.values.withUnsafeBufferPointer { k in
                memory.valuesByPosition.withUnsafeBufferPointer { v in
                    attendedByPosition.withUnsafeMutableBufferPointer { o in
                        let q = q.baseAddress!, k = k.baseAddress!, v = v.baseAddress!, o = o.baseAddress!
                        Parallel.forEachChunk(of: blocks) { range in
                            let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockSize * stylePositions)
                            defer { scores.deallocate() }
                            for block in range {
                                let start = block * blockSize, count = min(blockSize, contentPositions - start)
                                MatrixProduct.multiply(m: count, n: stylePositions, k: channels,
                                                       q + start * channels,
                                                       k, ldb: stylePositions,
                                                       into: scores, ldc: stylePositions)
                                softmax_rows(scores, Int32(count), Int32(stylePositions))
                                MatrixProduct.multiply(m: count, n: channels, k: stylePositions,
                                                       scores,
                                                       v, ldb: channels,
                                                       into: o + start * channels, ldc: channels)
                            }
                        }
                    }
                }
            }
        }
        return Tensor(channels: channels, height: query.height, width: query.width,
                      values: MatrixProduct.transpose(attendedByPosition, rows: contentPositions, columns: channels))
    }
}
