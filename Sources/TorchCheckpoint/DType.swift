/// Element types named by torch's storage classes; the element size is what turns storage numels into bytes.
enum DType: String {
    case float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool, complex64, complex128

    /// Both old and new torch name the element type through the storage class, e.g. `torch.FloatStorage`.
    init?(storageClass: String) {
        switch storageClass {
        case "FloatStorage": self = .float32
        case "DoubleStorage": self = .float64
        case "HalfStorage": self = .float16
        case "BFloat16Storage": self = .bfloat16
        case "LongStorage": self = .int64
        case "IntStorage": self = .int32
        case "ShortStorage": self = .int16
        case "CharStorage": self = .int8
        case "ByteStorage": self = .uint8
        case "BoolStorage": self = .bool
        case "ComplexFloatStorage": self = .complex64
        case "ComplexDoubleStorage": self = .complex128
        default: return nil
        }
    }

    var elementSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .float16, .bfloat16, .int16: return 2
        case .float32, .int32: return 4
        case .float64, .int64, .complex64: return 8
        case .complex128: return 16
        }
    }
}
