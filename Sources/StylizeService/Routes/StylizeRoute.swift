import Foundation
import HTTPServer
import SANet

extension StylizeService {
    /// `POST /v1/stylize`: check the head, stream the multipart body into the parser, check the
    /// form and the image headers, then queue the work; a worker answers with the PNG.
    func stylize(_ request: HTTPRequest, _ exchange: HTTPExchange) throws {
        let arrival = DispatchTime.now()
        let requestID = RequestID.of(request.headers)
        let reply = Reply(exchange: exchange, requestID: requestID)
        guard case let .ready(stylization, defaultMethod) = model.phase else {
            return reply.send(Problem(.serviceUnavailable, detail: "the model weights are still loading; retry shortly"),
                              retryAfter: 5)
        }
        guard let contentType = request.headers["Content-Type"],
              contentType.lowercased().hasPrefix("multipart/form-data") else {
            return reply.send(Problem(.unsupportedMediaType, detail:
                "send multipart/form-data with a 'content' file and one or more 'style' files, "
                + "e.g. curl -F content=@photo.jpg -F style=@painting.jpg"))
        }
        let parser: MultipartParser
        do {
            // Twice the parts a valid form has: a few styles too many still reach the form, whose
            // 422 names the limit; the body limit bounds the rest.
            parser = try MultipartParser(contentType: contentType, limits: MultipartLimits(
                maxParts: 2 * (configuration.maxStyles + StylizeForm.textFields.count + 1),
                maxPartBytes: configuration.http.maxBodyBytes, maxTotalBytes: configuration.http.maxBodyBytes))
        } catch let error as ProblemConvertible {
            return reply.send(error.problem)
        }
        exchange.readBody({ try parser.feed($0) }, completion: { [self] result in
            guard case .success = result else { return }
            do {
                let form = try StylizeForm(parts: try parser.finish(), configuration: configuration,
                                           defaultMethod: defaultMethod)
                try stylization.inspect(form)
                enqueue(form, stylization, reply: reply, arrival: arrival)
            } catch let error as ProblemConvertible {
                reply.send(error.problem)
            }
        })
    }

    private func enqueue(_ form: StylizeForm, _ stylization: Stylization, reply: Reply, arrival: DispatchTime) {
        let job = WorkerPool.Job { [metrics, timing, logger] in
            guard !reply.exchange.isCancelled else { return }
            let start = DispatchTime.now()
            do {
                let png = try stylization.run(form)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                metrics.recordStylization(method: form.options.method.rawValue, seconds: seconds)
                timing.record(seconds: seconds)
                reply.send(HTTPResponse(headers: ["Content-Type": "image/png"], body: png))
            } catch let error as ProblemConvertible {
                reply.send(error.problem)
            } catch {
                logger.error("stylization failed", metadata: ["request_id": "\(reply.requestID)", "error": "\(error)"])
                reply.send(Problem(.internalServerError, detail: "the stylization failed; the error is logged with this request's id"))
            }
        }
        guard pool.submit(job) else {
            let queue = pool.snapshot
            return reply.send(Problem(.serviceUnavailable, detail:
                "all \(configuration.workers) workers are busy and \(queue.queued) requests are waiting; retry later"),
                retryAfter: timing.retryAfter(waiting: queue.queued, workers: configuration.workers))
        }
        reply.exchange.onCancel { [pool] in pool.cancel(job) }
        let deadline = arrival + configuration.requestTimeout
        DispatchQueue.global().asyncAfter(deadline: deadline) { [pool, configuration] in
            if pool.cancel(job) {
                reply.send(Problem(.serviceUnavailable, detail:
                    "the request waited \(Int(configuration.requestTimeout)) s for a worker; retry later"), retryAfter: 5)
            } else {
                reply.send(Problem(.gatewayTimeout, detail:
                    "the stylization took longer than \(Int(configuration.requestTimeout)) s; try smaller sizes"))
            }
        }
    }
}

/// Sends one answer for a request, with its request id (first answer wins, as HTTPExchange ensures).
struct Reply: Sendable {
    let exchange: HTTPExchange
    let requestID: String

    func send(_ response: HTTPResponse) {
        var response = response
        response.headers.set(RequestID.header, requestID)
        exchange.respond(response)
    }

    func send(_ problem: Problem, retryAfter: Int? = nil) {
        var response = HTTPResponse(problem: problem)
        if let retryAfter { response.headers.set("Retry-After", String(retryAfter)) }
        send(response)
    }
}
