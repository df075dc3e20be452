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
        return [Float](unsafeUninitializedCapacity: numel) { buffer, count in
            var index = [Int](repeating: 0, count: shape.count)
            var offset = 0
            for i in 0..<numel {
                buffer[i] = element(bytes, offset)
                var dim = shape.count - 1
                while dim >= 0 {
                    index[dim] += 1
                    offset += stride[dim]
                    if index[dim] < shape[dim] { break }
                    offset -= stride[dim] * shape[dim]
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
