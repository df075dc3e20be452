import Foundation
import ImageCodec

/// What a batch will do, worked out before the weights are loaded: every content image (a
/// folder's images, not its subfolders', sorted by name) and the file its result goes to in the
/// output folder, named after the input with the batch format's extension. A batch that would
/// lose a result (two inputs onto one file, a result onto an input, or onto an earlier result
/// without `overwrite`) is refused before any work is done.
struct BatchPlan {
    struct Item: Equatable {
        /// The content image as named on the command line (a folder's images as folder/name).
        let input: String
        let output: String
    }

    /// The extensions a folder's content images have; a folder's other files are skipped.
    static let contentExtensions: Set<String> = ["png", "jpg", "jpeg"]

    let items: [Item]
    let outputDirectory: String

    init(contents: [String], outputDirectory: String, format: ImageFormat, overwrite: Bool) throws {
        if FileManager.default.fileExists(atPath: outputDirectory), !FileManager.default.isFolder(outputDirectory) {
            throw CommandLineError(description: "--output-dir \(outputDirectory) is a file; give a folder (it is created if missing)")
        }
        let inputs = try Self.inputs(contents)
        let items = inputs.map { input in
            let name = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
            return Item(input: input, output: Self.path(name + "." + format.fileExtensions[0], in: outputDirectory))
        }
        try Self.checkEachResultHasItsOwnFile(items)
        try Self.checkNoResultReplacesAnInput(items)
        if !overwrite {
            try Self.checkNoResultExists(items)
        }
        self.items = items
        self.outputDirectory = outputDirectory
    }

    /// The content images `contents` names, each file once: a folder stands for its images, any
    /// other path for itself (one that cannot be read fails on its turn, without stopping the batch).
    private static func inputs(_ contents: [String]) throws -> [String] {
        var inputs: [String] = []
        var seen: Set<String> = []
        for path in contents {
            let named = FileManager.default.isFolder(path) ? try images(inFolder: path) : [path]
            inputs += named.filter { seen.insert(resolved($0)).inserted }
        }
        return inputs
    }

    private static func images(inFolder folder: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw CommandLineError(description: "cannot list the folder \(folder): \(error.localizedDescription)")
        }
        let images = names.filter { name in
            !name.hasPrefix(".") && contentExtensions.contains(URL(fileURLWithPath: name).pathExtension.lowercased())
                && !FileManager.default.isFolder(path(name, in: folder))
        }
        guard !images.isEmpty else {
            throw CommandLineError(description: "the folder \(folder) holds no .png, .jpg or .jpeg files")
        }
        return images.sorted().map { path($0, in: folder) }
    }

    private static func checkEachResultHasItsOwnFile(_ items: [Item]) throws {
        let collisions = Dictionary(grouping: items, by: { resolved($0.output) }).values
            .filter { $0.count > 1 }.sorted { $0[0].output < $1[0].output }
        guard !collisions.isEmpty else { return }
        let lines = collisions.map { group in
            let inputs = group.map(\.input).joined(separator: " and ")
            return "\(inputs) would \(group.count == 2 ? "both" : "all") be written to \(group[0].output)"
        }
        throw CommandLineError(description: lines.joined(separator: "\n")
            + "\nrename all but one of them, or stylize them into different --output-dir folders")
    }

    private static func checkNoResultReplacesAnInput(_ items: [Item]) throws {
        let inputs = Set(items.map { resolved($0.input) })
        guard let item = items.first(where: { inputs.contains(resolved($0.output)) }) else { return }
        throw CommandLineError(description: "the result of \(item.input) would replace the content image \(item.output); "
            + "choose another --output-dir or --format")
    }

    private static func checkNoResultExists(_ items: [Item]) throws {
        let existing = items.map(\.output).filter { FileManager.default.fileExists(atPath: $0) }
        guard !existing.isEmpty else { return }
        let shown = existing.prefix(3).joined(separator: ", ") + (existing.count > 3 ? " and \(existing.count - 3) more" : "")
        let one = existing.count == 1
        throw CommandLineError(description: "\(shown) already \(one ? "exists" : "exist"); pass --overwrite to replace "
            + "\(one ? "it" : "them"), or choose another --output-dir")
    }

    private static func path(_ name: String, in folder: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// One spelling for each file, so that `photos/a.png` and `./photos/a.png` are one file.
    private static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

extension FileManager {
    /// Whether `path` is a folder (a link to one counts).
    func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
