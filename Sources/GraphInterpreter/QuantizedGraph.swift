import Engine
import Foundation
import ONNX

/// An ONNX graph run on the engine's tensors, as onnxruntime runs it by default. Constants are
/// folded once at load (the int8 weights and int32 biases are dequantised then); the node
/// units that onnxruntime fuses become integer steps, and every other node a float step. The
/// activations' QuantizeLinear/DequantizeLinear pairs are all kept: they round every
/// activation to int8 levels, and the output depends on those roundings.
///
/// Operators (those of the two Magenta graphs, tf2onnx, opset 15): Conv (strides, zero
/// pads, groups), QuantizeLinear and DequantizeLinear (int8, per tensor; per channel for
/// weights), Clip, Relu, Add, Sub, Mul, Sqrt, Reciprocal, Sigmoid, GlobalAveragePool,
/// Reshape ([1,C,1,1] <-> [1,1,1,C]), Transpose (NHWC <-> NCHW), Pad (reflect) and Resize
/// (nearest, whole factors). Anything else is refused when the file is loaded.
public final class QuantizedGraph: Sendable {
    enum Operand: Sendable {
        case slot(Int)
        case constant(Tensor)
        /// Inside a chain: the value the chain has reached (both sides of SquaredDifference's Mul).
        case chainValue
    }

    enum BinaryOperator: Sendable { case add, subtract, multiply }
    enum UnaryOperator: Sendable { case relu, clip(Float, Float), squareRoot, reciprocal, sigmoid }

    enum Step: Sendable {
        case convolution(ExactConvolution)
        case integerConvolution(IntegerConvolution)
        case integerBinary(IntegerBinary, Operand)
        case integerAveragePool(IntegerAveragePool)
        case quantize(Quantization)
        case dequantize(Quantization)
        /// A QuantizeLinear whose levels only the DequantizeLinear right after it reads: both in one pass.
        case roundTrip(Quantization, Quantization)
        case binary(BinaryOperator, Operand)
        case unary(UnaryOperator)
        case globalAveragePool
        case toChannelsLast(Bool)
        case reshape(channels: Int, channelsLast: Bool)
        /// Begin and end pads per axis of the value's ONNX layout.
        case reflectPad([Int])
        case resize(factorY: Int, factorX: Int)
        /// Elementwise steps that each read only the previous one's output: see `runChain`.
        indirect case chain([Step])
    }

    struct Instruction: Sendable {
        let name: String
        let step: Step
        let input: Operand
        let output: Int
        /// Slots no later step reads, released after this one.
        let releases: [Int]
    }

    let instructions: [Instruction]
    let inputSlots: [Int]
    let outputSlots: [Int]
    let slotCount: Int

    public init(_ model: ONNXModel) throws {
        var compiler = GraphCompiler(model)
        for node in model.nodes { try compiler.compile(node) }
        (instructions, inputSlots, outputSlots, slotCount) = try compiler.finish()
    }

    /// Runs the graph on values for its inputs, in the order the file lists them; the context's
    /// cancellation is looked at before each step.
    public func callAsFunction(_ inputs: [GraphValue], context: ComputeContext) throws -> [GraphValue] {
        precondition(inputs.count == inputSlots.count, "the graph takes \(inputSlots.count) inputs")
        var slots = [GraphValue?](repeating: nil, count: slotCount)
        for (slot, value) in zip(inputSlots, inputs) { slots[slot] = value }
        for instruction in instructions {
            try context.checkCancellation()
            var value = try Self.value(instruction.input, in: slots)
            // A value read for the last time leaves its slot, so that the step can update it in place;
            // one that is read again stays, and an elementwise step writes its result elsewhere.
            var inPlace = false
            if case let .slot(index) = instruction.input, instruction.releases.contains(index),
               !instruction.step.reads(slot: index) {
                slots[index] = nil
                inPlace = true
            }
            try Self.apply(instruction.step, to: &value, inPlace: inPlace, slots: slots, name: instruction.name,
                           context: context)
            slots[instruction.output] = value
            for slot in instruction.releases { slots[slot] = nil }
        }
        return outputSlots.map { slots[$0]! }
    }

    /// `current` is the value the step works on, which `chainValue` stands for.
    private static func value(_ operand: Operand, in slots: [GraphValue?], current: GraphValue? = nil) throws -> GraphValue {
        switch operand {
        case let .slot(index): return slots[index]!
        case let .constant(tensor): return GraphValue(tensor)
        case .chainValue: return current!
        }
    }

    /// `inPlace`: whether `result` may be updated where it lies (nothing reads it afterwards).
    private static func apply(_ step: Step, to result: inout GraphValue, inPlace: Bool = true, slots: [GraphValue?],
                              name: String, context: ComputeContext) throws {
        func broadcastFailure(_ other: Tensor) -> ONNXError {
            ONNXError.unsupported("node \(name): cannot broadcast shapes \(result.tensor.shape) and \(other.shape)")
        }
        switch step {
        case let .convolution(convolution): result.tensor = convolution(result.tensor, context: context)
        case let .integerConvolution(convolution): result.tensor = convolution(result.tensor, context: context)
        case let .integerAveragePool(pool): result.tensor = pool(result.tensor, context: context)
        case let .integerBinary(binary, operand):
            let other = try Self.value(operand, in: slots, current: result).tensor
            guard binary(&result.tensor, other, context: context) else { throw broadcastFailure(other) }
        case let .quantize(levels): result.tensor.quantize(levels, context: context)
        case let .dequantize(levels): result.tensor.dequantize(levels, context: context)
        case let .roundTrip(levels, back): result.tensor.roundTrip(levels, back, context: context)
        case let .binary(op, operand):
            let other = try Self.value(operand, in: slots, current: result).tensor
            guard op.apply(to: &result.tensor, other, context: context) else { throw broadcastFailure(other) }
        case let .unary(op):
            op.apply(to: &result.tensor, context: context)
        case .globalAveragePool: result.tensor = result.tensor.globalAveragePooled(context: context)
        case let .toChannelsLast(channelsLast):
            guard result.channelsLast != channelsLast else {
                throw ONNXError.unsupported("node \(name): only NHWC <-> NCHW transposes are supported")
            }
            result.channelsLast = channelsLast
        case let .reshape(channels, channelsLast):
            guard result.tensor.planeSize == 1, result.tensor.channels == channels else {
                throw ONNXError.unsupported("node \(name): only [1,C,1,1] <-> [1,1,1,C] reshapes are supported, got \(result.tensor.shape)")
            }
            result.channelsLast = channelsLast
        case let .reflectPad(pads):
            // Axes (N, H, W, C) or (N, C, H, W); only the spatial axes may be padded.
            let (h, w, others) = result.channelsLast ? (1, 2, [0, 3]) : (2, 3, [0, 1])
            guard others.allSatisfy({ pads[$0] == 0 && pads[$0 + 4] == 0 }) else {
                throw ONNXError.unsupported("node \(name): only spatial padding is supported")
            }
            result.tensor = result.tensor.reflectPadded(top: pads[h], left: pads[w], bottom: pads[h + 4], right: pads[w + 4],
                                                        context: context)
        case let .resize(factorY, factorX):
            guard !result.channelsLast else { throw ONNXError.unsupported("node \(name): Resize on NHWC data") }
            result.tensor = result.tensor.upsampledNearest(factorY: factorY, factorX: factorX, context: context)
        case let .chain(links): try runChain(links, on: &result, inPlace: inPlace, slots: slots, name: name, context: context)
        }
    }

    /// A chain in one pass (`ChainPass`) when its operands allow, else its links one after another.
    private static func runChain(_ links: [Step], on result: inout GraphValue, inPlace: Bool, slots: [GraphValue?],
                                 name: String, context: ComputeContext) throws {
        guard let pass = try ChainPass(links, channels: result.tensor.channels,
                                       operand: { try value($0, in: slots).tensor }) else {
            for link in links { try apply(link, to: &result, slots: slots, name: name, context: context) }
            return
        }
        pass.run(on: &result.tensor, inPlace: inPlace, context: context)
    }
}

extension QuantizedGraph.Step {
    /// The values the step combines with its input, besides the value a chain has reached.
    var operands: [QuantizedGraph.Operand] {
        switch self {
        case .binary(_, .chainValue), .integerBinary(_, .chainValue): return []
        case let .binary(_, operand), let .integerBinary(_, operand): return [operand]
        case let .chain(links): return links.flatMap(\.operands)
        default: return []
        }
    }

    /// Steps that change each value on its own, which a chain can take: see `QuantizedGraph.runChain`.
    var isElementwise: Bool {
        switch self {
        case .quantize, .dequantize, .roundTrip, .unary, .binary, .integerBinary: return true
        default: return false
        }
    }

    /// A binary step whose operand is the value the chain it joins has reached.
    var readingChainValue: QuantizedGraph.Step {
        switch self {
        case let .binary(op, _): return .binary(op, .chainValue)
        case let .integerBinary(binary, _): return .integerBinary(binary, .chainValue)
        default: return self
        }
    }

    /// Whether the step reads `slot` besides its input.
    func reads(slot: Int) -> Bool {
        operands.contains { if case let .slot(index) = $0 { return index == slot } else { return false } }
    }
}
