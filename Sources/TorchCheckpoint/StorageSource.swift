/// Where a format keeps storage bytes. Only the bytes a tensor spans are ever handed out, so a caller that
/// asks for part of a big file only pays for that part.
protocol StorageSource: AnyObject {
    /// Calls `body` with exactly `byteRange` of the root storage `storage.key`.
    func withBytes<R>(of storage: StorageRef, byteRange: Range<Int>,
                      _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R
}
