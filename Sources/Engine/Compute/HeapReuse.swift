/// Activations and convolution temporaries of tens of megabytes come and go at every layer.
/// By default glibc maps each one afresh from the kernel and unmaps it when freed, and the
/// kernel zeroes every page again at the next allocation: a sixth of a pass at 512 px. Keeping
/// freed memory in the heap lets the next layer reuse it; the peak is what the pass needs anyway.
public enum HeapReuse {
    /// `M_TRIM_THRESHOLD`, `M_MMAP_THRESHOLD` and `M_ARENA_MAX` of glibc's <malloc.h>, which Swift's
    /// Glibc module leaves out.
    private static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3, arenaMax: Int32 = -8

    public static let configured: Void = {
        _ = mallopt(mmapThreshold, 1 << 30)
        _ = mallopt(trimThreshold, 1 << 30)
    }()

    /// Lets at most `count` heaps serve all threads. glibc otherwise gives threads up to eight
    /// heaps a core, each keeping its own freed memory, so a process's resident size can far
    /// exceed what it holds; with few heaps, memory one thread frees is what the next one gets.
    public static func shareHeaps(_ count: Int) {
        _ = mallopt(arenaMax, Int32(clamping: max(1, count)))
    }

    /// Gives the memory kept for reuse back to the system, for a service that has gone idle:
    /// its resident size falls back to the weights' instead of staying at its busiest peak.
    public static func returnFreedMemory() {
        _ = malloc_trim(0)
    }
}

@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

@_silgen_name("malloc_trim")
private func malloc_trim(_ pad: Int) -> Int32
