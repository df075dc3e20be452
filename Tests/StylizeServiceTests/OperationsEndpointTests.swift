import Foundation
import ImageCodec
import XCTest

/// What operators and load balancers read: readiness, metrics and the API contract.
final class OperationsEndpointTests: XCTestCase {
    func testReadinessListsTheLoadedMethods() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/readyz")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.json["status"] as? String, "ready")
        XCTAssertEqual(response.json["methods"] as? [String], ["sanet", "adain"])
        XCTAssertEqual(response.json["default_method"] as? String, "sanet")
        XCTAssertEqual(response.json["unavailable"] as? [String: [String]],
                       ["magenta": ["arbitrary_predict.onnx", "arbitrary_transform.onnx"]])
    }

    func testWithoutSANetsFilesTheServiceRunsMagentaAndSaysWhatIsMissing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("magenta-only-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let magenta = ServiceHarness.reference.appendingPathComponent("generated/magenta-weights")
        for file in ["arbitrary_predict.onnx", "arbitrary_transform.onnx"] {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(file),
                                                       withDestinationURL: magenta.appendingPathComponent(file))
        }
        let harness = try ServiceHarness { $0.weightsDirectory = folder }
        let ready = try harness.curl("/readyz")
        XCTAssertEqual(ready.json["methods"] as? [String], ["magenta"])
        XCTAssertEqual(ready.json["default_method"] as? String, "magenta")
        let unavailable = ready.json["unavailable"] as? [String: [String]]
        XCTAssertEqual(unavailable?["sanet"], ["vgg_normalised.pth", "decoder_iter_500000.pth", "transformer_iter_500000.pth"])
        XCTAssertEqual(unavailable?["adain"], ["vgg_normalised.pth", "decoder.pth"])

        let response = try harness.curl("/v1/stylize", ["-F", "content=@\(ServiceHarness.input("content_seaport_128x96.png"))",
                                                         "-F", "style=@\(ServiceHarness.input("style_wave_97x61.png"))",
                                                         "-F", "content_size=0"])
        XCTAssertEqual(response.status, 200, response.text)
        let image = try ImageDecoder().decode([UInt8](response.body))
        XCTAssertEqual([image.width, image.height], [128, 96])
    }

    func testMetricsCountRequestsAndStylizations() throws {
        let harness = try ServiceHarness()
        let request = ["-F", "content=@\(ServiceHarness.input("content_towers_32x32.png"))",
                       "-F", "style=@\(ServiceHarness.input("style_udnie_80x64.png"))",
                       "-F", "method=adain", "-F", "content_size=0", "-F", "style_size=0"]
        XCTAssertEqual(try harness.curl("/v1/stylize", request).status, 200)
        XCTAssertEqual(try harness.curl("/v1/stylize", request).status, 200, "the same style again: a cache hit")
        _ = try harness.curl("/nowhere")
        let metrics = try harness.curl("/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.headers["content-type"]?.hasPrefix("text/plain") ?? false)
        for expected in [
            #"sanet_http_requests_total{route="/v1/stylize",method="POST",status="200"} 2"#,
            #"sanet_http_requests_total{route="other",method="GET",status="404"} 1"#,
            #"sanet_stylize_duration_seconds_count{method="adain"} 2"#,
            "sanet_http_request_duration_seconds_bucket",
            "sanet_queue_depth", "sanet_workers_busy",
            "sanet_http_request_bytes_total", "sanet_http_response_bytes_total",
            "sanet_style_cache_misses_total 1", "sanet_style_cache_hits_total 1", "sanet_style_cache_entries 1",
        ] {
            XCTAssertTrue(metrics.text.contains(expected), "metrics should contain \(expected):\n\(metrics.text)")
        }
    }

    func testMadeUpMethodsShareOneMetricsLabel() throws {
        let harness = try ServiceHarness()
        for index in 0..<20 {
            _ = try harness.curl("/healthz", ["-X", "BREW\(index)"])
        }
        let metrics = try harness.curl("/metrics").text
        XCTAssertFalse(metrics.contains("BREW"), metrics)
        XCTAssertTrue(metrics.contains(#"sanet_http_requests_total{route="/healthz",method="other",status="405"} 20"#), metrics)
    }

    func testTheAPIContractIsServed() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/openapi.yaml")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "application/yaml")
        let repositoryCopy = try Data(contentsOf: ServiceHarness.repository.appendingPathComponent("openapi.yaml"))
        XCTAssertEqual(response.body, repositoryCopy)
        XCTAssertTrue(response.text.contains("/v1/stylize"))
    }
}
