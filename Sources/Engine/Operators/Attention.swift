import CKernels

/// Attention over the positions of two feature maps, O = V softmax(Q^T K)^T, computed a block of
/// query positions at a time so that memory never grows with the product of the two maps.
public enum Attention {
    /// Floats of attention scores one thread holds at once.
    static let scoreBudget = 1 << 20

    /// Query positions per block at most. Blocks have the same bounds whatever the thread count,
    /// so the products sum alike and the output is the same on any number of threads.
    static let blockLimit = 256

    /// `query` is channels x query positions, `keys` channels x key positions, and `valuesByPosition`
    /// key positions x channels; the blocks are spread over the context's threads, each with its
    /// own scores. Both products run untransposed on position-major operands: O^T = S V^T from
    /// Q^T and V^T.
    public static func attend(query: Tensor, keys: Tensor, valuesByPosition: [Float], context: ComputeContext) -> Tensor {
        let channels = query.channels
        let queryPositions = query.planeSize
        let keyPositions = keys.planeSize
        precondition(keys.channels == channels && valuesByPosition.count == keyPositions * channels,
                     "attention operands do not match")
        let blockSize = max(1, min(blockLimit, scoreBudget / keyPositions))
        let blocks = (queryPositions + blockSize - 1) / blockSize
        let queryByPosition = MatrixProduct.transpose(query.values, rows: channels, columns: queryPositions, context: context)
        var attendedByPosition = [Float](unsafeUninitializedCapacity: queryPositions * channels) { $1 = $0.count }
        queryByPosition.withUnsafeBufferPointer { q in
            keys.values.withUnsafeBufferPointer { k in
                valuesByPosition.withUnsafeBufferPointer { v in
                    attendedByPosition.withUnsafeMutableBufferPointer { o in
                        let q = q.baseAddress!, k = k.baseAddress!, v = v.baseAddress!, o = o.baseAddress!
                        context.forEachChunk(of: blocks) { range in
                            let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockSize * keyPositions)
                            defer { scores.deallocate() }
                            // A large map attending to itself takes minutes: a cancelled context
                            // stops it between blocks, and the caller's next check throws.
                            for block in range where !context.isCancelled {
                                let start = block * blockSize, count = min(blockSize, queryPositions - start)
                                MatrixProduct.multiply(m: count, n: keyPositions, k: channels,
                                                       q + start * channels,
                                                       k, ldb: keyPositions,
                                                       into: scores, ldc: keyPositions)
                                softmax_rows(scores, Int32(count), Int32(keyPositions))
                                MatrixProduct.multiply(m: count, n: channels, k: keyPositions,
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
                      values: MatrixProduct.transpose(attendedByPosition, rows: queryPositions, columns: channels,
                                                      context: context))
    }
}
