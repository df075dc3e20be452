/// What a checkpoint says about a tensor without reading its data.
public struct TensorInfo: Equatable {
    public let shape: [Int]
    /// torch's name without the `torch.` prefix: "float32", "float64", "float16", "int64", ...
    public let dtype: String

    public init(shape: [Int], dtype: String) {
        self.shape = shape
        self.dtype = dtype
    }
}

/// One parameter a model needs, so `Checkpoint.load` can check the file against the model before reading.
public struct ParameterSpec {
    public let key: String
    public let shape: [Int]

    public init(key: String, shape: [Int]) {
        self.key = key
        self.shape = shape
    }
}
