import Engine
import Foundation
import StyleTransfer
import TorchCheckpoint
import XCTest

/// What a user sees when the weights folder is not right.
final class CheckpointFolderTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanet-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in CheckpointFile.allCases {
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent(file.rawValue),
                withDestinationURL: ReferenceFixtures.weights("weights-zip").appendingPathComponent(file.rawValue))
        }
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    private func replace(_ file: CheckpointFile, with data: Data) throws {
        let url = folder.appendingPathComponent(file.rawValue)
        try FileManager.default.removeItem(at: url)
        try data.write(to: url)
    }

    private func loadError(_ methods: Set<StyleTransfer.Method>) -> CheckpointError? {
        do {
            _ = try StyleTransferModel(weightsDirectory: folder, methods: methods)
            return nil
        } catch {
            return error as? CheckpointError
        }
    }

    func testACompleteFolderLoadsBothMethods() throws {
        let model = try StyleTransferModel(weightsDirectory: folder, methods: [.sanet, .adain])
        XCTAssertEqual(model.methods, [.sanet, .adain])
    }

    func testAMissingFileIsNamedWithWhereToPutIt() throws {
        try FileManager.default.removeItem(at: folder.appendingPathComponent("transformer_iter_500000.pth"))
        let error = try XCTUnwrap(loadError([.sanet]))
        XCTAssertTrue(error.file.hasSuffix("transformer_iter_500000.pth"), error.description)
        XCTAssertTrue(error.description.contains("no such file"), error.description)
        XCTAssertNil(loadError([.adain]), "AdaIN does not need SANet's transformer")
    }

    func testTheWrongFileUnderAnOfficialNameNamesTheKeys() throws {
        let adainDecoder = try Data(contentsOf: folder.appendingPathComponent("decoder.pth"))
        try replace(.sanetTransform, with: adainDecoder)
        let error = try XCTUnwrap(loadError([.sanet]))
        XCTAssertTrue(error.file.hasSuffix("transformer_iter_500000.pth"), error.description)
        XCTAssertNotNil(error.key, "the error should name a key: \(error.description)")
    }

    func testATruncatedCheckpointIsReported() throws {
        let decoder = try Data(contentsOf: folder.appendingPathComponent("decoder_iter_500000.pth"))
        try replace(.sanetDecoder, with: decoder.prefix(decoder.count / 2))
        let error = try XCTUnwrap(loadError([.sanet]))
        XCTAssertTrue(error.file.hasSuffix("decoder_iter_500000.pth"), error.description)
    }

    func testAFileThatIsNotACheckpointIsReported() throws {
        try replace(.vgg, with: Data("<html>404 Not Found</html>".utf8))
        let error = try XCTUnwrap(loadError([.adain]))
        XCTAssertTrue(error.file.hasSuffix("vgg_normalised.pth"), error.description)
    }
}
