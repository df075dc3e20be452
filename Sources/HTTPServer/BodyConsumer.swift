/// Where a route takes a request body: `chunk` gets each piece as it is read, `completion` how the body ended.
///
/// The state machine calls `chunk` itself, with slices of the bytes it received, so a body is never copied
/// on its way to the route; `completion` runs route code that may answer, so the connection calls it.
struct BodyConsumer {
    typealias Completion = (Result<Int, Error>) throws -> Void

    let chunk: (ArraySlice<UInt8>) throws -> Void
    let completion: Completion
}
