import ArgumentParser

@main
struct SanetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sanet",
        abstract: "Arbitrary style transfer with style-attentional networks (SANet) and AdaIN.",
        subcommands: [StylizeCommand.self, BenchCommand.self]
    )
}
