import COpenBLAS

/// How many threads the matrix products of one stylization may use.
public enum ComputeThreads {
    public static func set(_ count: Int) {
        precondition(count > 0, "thread count must be positive")
        openblas_set_num_threads(Int32(count))
    }
}
