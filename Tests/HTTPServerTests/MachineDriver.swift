@testable import HTTPServer

/// Drives a ``ConnectionStateMachine`` by hand, with a clock that moves only when told, and reads
/// the actions back as short lines ("dispatch GET /a", "200 close", "half-close") to compare.
final class MachineDriver {
    let configuration: HTTPServerConfiguration
    private(set) var now = ContinuousClock.now
    private var machine: ConnectionStateMachine
    /// Body pieces the route received, in order.
    private(set) var chunks: [String] = []
    /// Lets a test make the route's chunk callback throw.
    var chunkError: Error?
    /// The responses the machine had written, as finished for the wire.
    private(set) var sent: [HTTPResponse] = []

    init(configure: (inout HTTPServerConfiguration) -> Void = { _ in },
         finishResponse: ((HTTPHeaders, inout HTTPResponse) -> Void)? = nil) {
        var configuration = HTTPServerConfiguration()
        configure(&configuration)
        self.configuration = configuration
        machine = ConnectionStateMachine(configuration: configuration, remoteAddress: "192.0.2.1:4000", now: now,
                                         finishResponse: finishResponse)
    }

    /// Seconds from now to the next deadline.
    var nextDeadline: Double? { machine.nextDeadline.map { ($0 - now).inSeconds } }

    func read(_ text: String) -> [String] {
        Array(text.utf8).withUnsafeBytes { describe(machine.bytesRead($0, now: now)) }
    }

    func respond(_ status: HTTPStatus = .ok) -> [String] {
        describe(machine.respond(HTTPResponse(status: status, text: "answer"), now: now))
    }

    func readBody() -> [String] {
        let consumer = BodyConsumer(chunk: { [unowned self] in
            if let chunkError { throw chunkError }
            chunks.append(String(decoding: $0, as: UTF8.self))
        }, completion: { _ in })
        return describe(machine.readBody(into: consumer, now: now))
    }

    /// The response went out in writes of `sizes` bytes, then the output was flushed.
    func written(_ sizes: Int...) -> [String] {
        sizes.forEach { machine.bytesWritten($0, now: now) }
        return describe(machine.outputFlushed(now: now))
    }

    func nextTurn() -> [String] { describe(machine.nextTurn(now: now)) }
    func peerClosed() -> [String] { describe(machine.peerClosed()) }
    func beginShutdown() -> [String] { describe(machine.beginShutdown()) }

    /// Moves the clock on by `seconds`, firing the timer if a deadline passed.
    func advance(_ seconds: Double) -> [String] {
        now += .seconds(seconds)
        guard let next = machine.nextDeadline, next <= now else { return [] }
        return describe(machine.deadlinePassed(now: now))
    }

    private func describe(_ actions: [ConnectionAction]) -> [String] {
        for case .writeResponse(let response, _, _) in actions { sent.append(response) }
        return actions.map { action in
            switch action {
            case .dispatch(let request, let hasBody): "dispatch \(request.method) \(request.target)\(hasBody ? " with body" : "")"
            case .writeContinue: "100 Continue"
            case .writeResponse(let response, let close, let includeBody):
                "\(response.status.code)\(close ? " close" : "")\(includeBody ? "" : " without body")"
            case .pauseReading: "pause reading"
            case .resumeReading: "resume reading"
            case .parseOnNextTurn: "parse on next turn"
            case .finishBody(_, .success(let length)): "body of \(length) bytes"
            case .finishBody(_, .failure(let error)): "body failed: \(error)"
            case .failBody(_, let error, let closeIfAnswered):
                "fail body with \((error as? Problem)?.status.code ?? 500)\(closeIfAnswered ? ", close if answered" : "")"
            case .requestFinished(let entry):
                (["finished", entry.method, entry.target, "\(entry.status.code)"].filter { !$0.isEmpty }).joined(separator: " ")
            case .halfClose: "half-close"
            case .close(let abandoned): abandoned == nil ? "close" : "close, abandoning the body"
            }
        }
    }
}
