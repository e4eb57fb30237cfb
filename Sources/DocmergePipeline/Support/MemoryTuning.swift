#if canImport(Glibc)
import Glibc
#endif

/// glibc raises its mmap threshold each time a large block is freed, so after the first
/// large document every later one is carved from the heap, and the heap keeps what it
/// once held: a burst of 10 MB documents left hundreds of MB resident after they were
/// done. A fixed threshold of 1 MiB keeps every large buffer (a file, a plan, a big
/// resource) in its own mapping, returned to the system when freed. Measured in README
/// ("Memory"): peak RSS under a burst of large files fell by 40–55%.
enum MemoryTuning {
    /// `M_MMAP_THRESHOLD` in glibc's <malloc.h> (not part of the Glibc module).
    static let mmapThreshold: Int32 = -3

    /// Documents at least this costly give their memory back to the system once done.
    static let trimAfter = 16 << 20

    /// Returns the free memory of every heap to the system (`malloc_trim`): a document of
    /// many small entries is many small blocks, below the mmap threshold, and the heaps of
    /// the threads that decoded and wrote it would keep them.
    static func trim() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }

    static func apply() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, 1 << 20)
        #endif
    }
}
