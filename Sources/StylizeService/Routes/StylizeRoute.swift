import Dispatch
import Engine
import Foundation
import HTTPServer
import StyleTransfer

extension StylizeService {
    /// `POST /v1/stylize`: check the head, stream the multipart body into the parser (each
    /// chunk charged to the memory budget), then, off the I/O queue, check the form and the
    /// image headers and queue the work; a worker answers with the image, in the format the form
    /// or the Accept header asks for.
    func stylize(_ request: HTTPRequest, _ exchange: HTTPExchange) throws {
        let arrival = DispatchTime.now()
        let reply = Reply(exchange: exchange, requestID: RequestID.of(request.headers))
        let accept = AcceptHeader(request.headers.values("Accept"))
        guard case let .ready(stylization, defaultMethod) = model.phase else {
            return reply.send(Problem(.serviceUnavailable, detail: "the model weights are still loading; retry shortly",
                                      retryAfter: 5))
        }
        guard let contentType = request.headers["Content-Type"],
              contentType.lowercased().hasPrefix("multipart/form-data") else {
            return reply.send(Problem(.unsupportedMediaType, detail:
                "send multipart/form-data with a 'content' file and one or more 'style' files, "
                + "e.g. curl -F content=@photo.jpg -F style=@painting.jpg"))
        }
        let parser: MultipartParser
        do {
            // Twice the parts a valid form has (a mask per style): a few styles too many still reach
            // the form, whose 422 names the limit; the body limit bounds the rest.
            parser = try MultipartParser(contentType: contentType, limits: MultipartLimits(
                maxParts: 2 * (2 * configuration.maxStyles + StylizeForm.textFields.count + 1),
                maxPartBytes: configuration.http.maxBodyBytes, maxTotalBytes: configuration.http.maxBodyBytes,
                fileParts: Set(StylizeForm.fileFields), maxFieldBytes: configuration.maxFieldBytes))
        } catch let error as ProblemConvertible {
            return reply.send(error.problem)
        }
        parser.expectedBodyBytes = request.contentLength
        let upload = memory.emptyReservation()
        exchange.readBody({ [self] chunk in
            guard upload.grow(by: chunk.count) else { throw memoryExhausted() }
            try parser.feed(chunk)
        }, completion: { [self] result in
            guard case .success = result else { return }
            let parts: [MultipartPart]
            do {
                parts = try parser.finish()
            } catch let error as ProblemConvertible {
                return reply.send(error.problem)
            }
            preparation.addOperation { [self] in
                do {
                    let form = try StylizeForm(parts: parts, accept: accept, configuration: configuration,
                                               defaultMethod: defaultMethod)
                    let cost = try stylization.plan(form, threads: configuration.threadsPerWorker)
                    guard cost.bytes <= configuration.requestMemoryLimit else {
                        return reply.send(Problem(.contentTooLarge, detail:
                            "stylizing these images would take \(Self.megabytes(cost.bytes)) of memory, more than the "
                            + "\(Self.megabytes(configuration.requestMemoryLimit)) one request may use: send smaller images "
                            + "or smaller content_size and style_size"))
                    }
                    enqueue(Job(form: form, cost: cost, upload: upload, reply: reply, arrival: arrival), stylization)
                } catch let error as ProblemConvertible {
                    reply.send(error.problem)
                } catch {
                    reply.send(Problem(.internalServerError, detail: "the request could not be prepared"))
                }
            }
        })
    }

    /// What a worker needs of one request; nothing else keeps its form once it is done.
    struct Job: Sendable {
        let form: StylizeForm
        let cost: StylizationCost
        let upload: MemoryReservation
        let reply: Reply
        let arrival: DispatchTime
    }

    private func enqueue(_ job: Job, _ stylization: Stylization) {
        let cancellation = Cancellation()
        let deadline = job.arrival + configuration.requestTimeout
        let work = WorkerPool.Job { [self] in
            run(job, stylization, cancellation: cancellation, deadline: deadline)
        }
        guard pool.submit(work) else {
            let queue = pool.snapshot
            return job.reply.send(Problem(.serviceUnavailable, detail:
                "all \(configuration.workers) workers are busy and \(queue.queued) requests are waiting; retry later",
                retryAfter: timing.retryAfter(waiting: queue.queued, workers: configuration.workers)))
        }
        // Neither the timer nor the cancellation handler keeps the job (and its upload) alive.
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.setEventHandler { [weak work, pool, configuration, reply = job.reply] in
            cancellation.cancel()
            if let work, pool.cancel(work) {
                reply.send(Problem(.serviceUnavailable, detail:
                    "the request waited \(Int(configuration.requestTimeout)) s for a worker; retry later", retryAfter: 5))
            } else {
                reply.send(Problem(.gatewayTimeout, detail:
                    "the stylization took longer than \(Int(configuration.requestTimeout)) s; try smaller sizes"))
            }
        }
        timer.schedule(deadline: deadline)
        work.onFinish { timer.cancel() }
        timer.activate()
        job.reply.exchange.onCancel { [weak work, pool] in
            cancellation.cancel()
            if let work { pool.cancel(work) }
        }
    }

    private func run(_ job: Job, _ stylization: Stylization, cancellation: Cancellation, deadline: DispatchTime) {
        guard !cancellation.isCancelled else { return }
        // Waits a while for requests ahead to give memory back, not a whole deadline with a worker held.
        let memoryReady = job.upload.grow(by: job.cost.bytes, waitingUntil: min(deadline, .now() + Self.memoryWait),
                                          isCancelled: { cancellation.isCancelled })
        guard memoryReady else {
            if !cancellation.isCancelled { job.reply.send(memoryExhausted()) }
            return
        }
        let start = DispatchTime.now()
        do {
            let context = ComputeContext(threads: configuration.threadsPerWorker, cancellation: cancellation)
            let image = try stylization.run(job.form, uploads: job.upload, context: context)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            metrics.recordStylization(method: job.form.options.method.rawValue, seconds: seconds)
            timing.record(seconds: seconds)
            job.upload.markServed()
            job.reply.send(HTTPResponse(image))
        } catch _ where cancellation.isCancelled {
            // The client left or the deadline answered; nobody waits for this result.
        } catch let error as ProblemConvertible {
            job.reply.send(error.problem)
        } catch {
            logger.error("stylization failed", metadata: ["request_id": "\(job.reply.requestID)", "error": "\(error)"])
            job.reply.send(Problem(.internalServerError, detail: "the stylization failed; the error is logged with this request's id"))
        }
    }

    /// Seconds a worker waits for the memory budget to have room for its stylization.
    static let memoryWait: Double = 10

    /// 503 for a request that the memory budget cannot take now.
    private func memoryExhausted() -> Problem {
        Problem(.serviceUnavailable, detail: "the service is using all the memory its requests may hold "
            + "(\(Self.megabytes(configuration.memoryBudget))); retry shortly", retryAfter: 2)
    }

    static func megabytes(_ bytes: Int) -> String {
        "\((bytes + (1 << 20) - 1) >> 20) MiB"
    }
}

/// Sends one answer for a request, with its request id (first answer wins, as HTTPExchange ensures)
/// and `Vary: Accept`, since the Accept header can choose the result's format.
struct Reply: Sendable {
    let exchange: HTTPExchange
    let requestID: String

    func send(_ response: HTTPResponse) {
        var response = response
        response.headers.set(RequestID.header, requestID)
        response.headers.add("Vary", "Accept")
        exchange.respond(response)
    }

    func send(_ problem: Problem) {
        send(HTTPResponse(problem: problem))
    }
}
