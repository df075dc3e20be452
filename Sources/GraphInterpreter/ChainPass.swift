import Engine

/// One pass of a chain of elementwise steps over a value (`QuantizedGraph.Step.chain`): the value
/// goes through in blocks that stay in cache, each block through every link, so that it is
/// read and written once rather than once per link. Every value gets the same arithmetic as the
/// links one after another would give it.
struct ChainPass {
    /// A link's arithmetic, without the reference-counted operands of the steps it comes from.
    private enum Link {
        case quantize(Quantization)
        case dequantize(Quantization)
        case roundTrip(Quantization, Quantization)
        case unary(QuantizedGraph.UnaryOperator)
        case binary(QuantizedGraph.BinaryOperator)
        case integerBinary(IntegerBinary)
    }

    /// Values of a block: 16 KB, well inside a core's first-level cache.
    static let block = 4096

    private let links: [Link]
    /// Whether each link's operand is the chain's own value (else one value per channel, in `operands`).
    private let readsItself: [Bool]
    /// Link j's operand for channel c at j x channels + c.
    private let operands: [Float]
    private let channels: Int

    /// Nil when an operand is more than one value per channel (or one for all) of a value with
    /// `channels` channels: then the links must run one after another.
    init?(_ steps: [QuantizedGraph.Step], channels: Int, operand: (QuantizedGraph.Operand) throws -> Tensor) rethrows {
        var links: [Link] = [], readsItself: [Bool] = [], operands: [Float] = []
        for step in steps {
            switch step {
            case let .quantize(levels): links.append(.quantize(levels))
            case let .dequantize(levels): links.append(.dequantize(levels))
            case let .roundTrip(levels, back): links.append(.roundTrip(levels, back))
            case let .unary(op): links.append(.unary(op))
            case let .binary(op, _): links.append(.binary(op))
            case let .integerBinary(binary, _): links.append(.integerBinary(binary))
            default: preconditionFailure("only elementwise steps are chained")
            }
            guard let other = try step.operands.first.map(operand) else {
                readsItself.append(true)
                operands += [Float](repeating: 0, count: channels)
                continue
            }
            guard other.planeSize == 1, other.channels == channels || other.channels == 1 else { return nil }
            readsItself.append(false)
            operands += other.channels == 1 ? [Float](repeating: other.values[0], count: channels) : other.values
        }
        self.links = links
        self.readsItself = readsItself
        self.operands = operands
        self.channels = channels
    }

    /// The chain applied to `tensor`; unless `inPlace`, into a new tensor, each block copied
    /// there first, so that a value still to be read is read once instead of copied and then updated.
    func run(on tensor: inout Tensor, inPlace: Bool, context: ComputeContext) {
        precondition(tensor.channels == channels, "the chain was prepared for \(channels) channels")
        let plane = tensor.planeSize
        // Held only when the result goes elsewhere: a second reference would make the update in place copy.
        let source = inPlace ? nil : tensor
        if !inPlace { tensor = Tensor(unfilled: channels, height: tensor.height, width: tensor.width) }
        links.withUnsafeBufferPointer { links in
            readsItself.withUnsafeBufferPointer { readsItself in
                operands.withUnsafeBufferPointer { operands in
                    tensor.values.withUnsafeMutableBufferPointer { values in
                        let values = values.baseAddress!
                        context.forEach(channels, grain: max(1, Tensor.elementwiseGrain / plane)) { c in
                            for start in stride(from: c * plane, to: (c + 1) * plane, by: Self.block) {
                                let x = values + start, count = min(Self.block, (c + 1) * plane - start)
                                source?.values.withUnsafeBufferPointer { x.update(from: $0.baseAddress! + start, count: count) }
                                for j in 0..<links.count {
                                    let operand = readsItself[j] ? BlockOperand.values(x) : .scalar(operands[j * channels + c])
                                    switch links[j] {
                                    case let .quantize(levels): levels.quantize(x, count: count)
                                    case let .dequantize(levels): levels.dequantize(x, count: count)
                                    case let .roundTrip(levels, back): levels.roundTrip(x, count: count, back: back)
                                    case let .unary(op): op.apply(to: x, count: count)
                                    case let .binary(op): op.apply(to: x, count: count, operand)
                                    case let .integerBinary(binary): binary.apply(to: x, count: count, operand)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
