/// Copies a strided float32 tensor out of its storage bytes into row-major order. Views, transposes and
/// tensors sharing a storage all come down to this walk over sizes and strides.
enum TensorGather {
    /// `bytes` starts at the tensor's first element (its lowest storage index) and covers its whole span.
    static func floats(_ bytes: UnsafeRawBufferPointer, shape: [Int], stride: [Int], numel: Int) -> [Float] {
        guard numel > 0 else { return [] }
        if isRowMajor(shape: shape, stride: stride) {
            return [Float](unsafeUninitializedCapacity: numel) { buffer, count in
                for i in 0..<numel { buffer[i] = element(bytes, i) }
                count = numel
            }
        }
        // Each step moves to the next element, or back to the start of a dimension and on to the next one, so
        // every offset is an element's own: the walk never adds a stride it does not take. (A size-1
        // dimension's stride means nothing and may be anything, up to Int.max.) TensorRecord has checked
        // that (size - 1) * stride and the span fit in an Int.
        return [Float](unsafeUninitializedCapacity: numel) { buffer, count in
            var index = [Int](repeating: 0, count: shape.count)
            var offset = 0
            for i in 0..<numel {
                buffer[i] = element(bytes, offset)
                var dim = shape.count - 1
                while dim >= 0 {
                    if index[dim] + 1 < shape[dim] {
                        index[dim] += 1
                        offset += stride[dim]
                        break
                    }
                    offset -= stride[dim] * index[dim]
                    index[dim] = 0
                    dim -= 1
                }
            }
            count = numel
        }
    }

    private static func element(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Float {
        Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
    }

    private static func isRowMajor(shape: [Int], stride: [Int]) -> Bool {
        var expected = 1
        for (n, s) in zip(shape, stride).reversed() where n != 1 {
            if s != expected { return false }
            expected *= n
        }
        return true
    }
}
