import Engine
import ONNX

/// Turns ONNX nodes into `QuantizedGraph` steps: folds constants (dequantising int8 and
/// int32 initializers exactly as DequantizeLinear does), runs the node units that
/// onnxruntime fuses on integer steps (`IntegerNodeUnits`), checks every attribute the steps
/// rely on, numbers the runtime values and drops the steps nothing reads.
struct GraphCompiler {
    private struct Constant {
        let shape: [Int]
        let values: [Float]
        /// Raw integers; for a folded DequantizeLinear, the levels minus their zero points.
        let integers: [Int64]
        /// For a folded DequantizeLinear, its scales (one, or one per `axis` entry).
        var scales: [Float] = []
    }

    private let model: ONNXModel
    private let units: IntegerNodeUnits
    private var constants: [String: Constant] = [:]
    private var slots: [String: Int] = [:]
    /// A step before the slots it releases are known.
    private typealias PendingStep = (name: String, step: QuantizedGraph.Step, input: QuantizedGraph.Operand, output: Int)

    private var instructions: [PendingStep] = []

    init(_ model: ONNXModel) {
        self.model = model
        var constants: [String: Constant] = [:]
        for (name, initializer) in model.initializers {
            switch initializer.values {
            case let .float(v): constants[name] = Constant(shape: initializer.shape, values: v, integers: [])
            case let .int8(v): constants[name] = Constant(shape: initializer.shape, values: v.map(Float.init), integers: v.map(Int64.init))
            case let .int32(v): constants[name] = Constant(shape: initializer.shape, values: v.map(Float.init), integers: v.map(Int64.init))
            case let .int64(v): constants[name] = Constant(shape: initializer.shape, values: v.map(Float.init), integers: v)
            }
        }
        self.constants = constants
        units = IntegerNodeUnits(model) { constants[$0]?.values }
        for input in model.inputs { slots[input] = slots.count }
    }

    mutating func compile(_ node: ONNXModel.Node) throws {
        let fail = { (message: String) in ONNXError.unsupported("node \(node.name) (\(node.opType)): \(message)") }
        guard node.domain.isEmpty || node.domain == "ai.onnx" else { throw fail("operator domain \(node.domain) is not supported") }
        guard let first = node.inputs.first else { throw fail("no inputs") }
        if node.opType == "DequantizeLinear", let folded = try dequantizedConstant(node) {
            constants[node.outputs[0]] = folded
            return
        }
        if units.absorbed.contains(node.outputs[0]) { return }
        if let unit = units.units[node.outputs[0]] { return try compile(node, as: unit, fail) }
        let step: QuantizedGraph.Step
        switch node.opType {
        case "Conv":
            let (geometry, weight, bias) = try convolution(node, fail)
            step = .convolution(ExactConvolution(geometry: geometry, weight: weight.values,
                                                 bias: bias?.values ?? [Float](repeating: 0, count: geometry.outputChannels)))
        case "QuantizeLinear", "DequantizeLinear":
            let input = { (index: Int) in index < node.inputs.count ? node.inputs[index] : "" }
            let levels = try quantization(scale: input(1), zeroPoint: input(2), fail)
            step = node.opType == "QuantizeLinear" ? .quantize(levels) : .dequantize(levels)
        case "Add", "Sub", "Mul":
            guard node.inputs.count == 2 else { throw fail("expects two inputs") }
            let op: QuantizedGraph.BinaryOperator = node.opType == "Add" ? .add : node.opType == "Sub" ? .subtract : .multiply
            step = .binary(op, try operand(node.inputs[1], fail))
        case "Relu": step = .unary(.relu)
        case "Sqrt": step = .unary(.squareRoot)
        case "Reciprocal": step = .unary(.reciprocal)
        case "Sigmoid": step = .unary(.sigmoid)
        case "Clip":
            let low = constant(node, 1)?.values.first ?? -.infinity, high = constant(node, 2)?.values.first ?? .infinity
            step = .unary(.clip(low, high))
        case "GlobalAveragePool": step = .globalAveragePool
        case "Transpose":
            switch node.attributes["perm"] {
            case .ints([0, 3, 1, 2]): step = .toChannelsLast(false)
            case .ints([0, 2, 3, 1]): step = .toChannelsLast(true)
            default: throw fail("only NHWC <-> NCHW permutations are supported")
            }
        case "Reshape":
            guard let shape = constant(node, 1)?.integers, shape.count == 4, shape[0] == 1 else {
                throw fail("only constant 4-D reshapes are supported")
            }
            if shape[2] == 1, shape[3] == 1 { step = .reshape(channels: Int(shape[1]), channelsLast: false) }
            else if shape[1] == 1, shape[2] == 1 { step = .reshape(channels: Int(shape[3]), channelsLast: true) }
            else { throw fail("only [1,C,1,1] and [1,1,1,C] shapes are supported") }
        case "Pad":
            guard node.attributes["mode"] == .string("reflect"), let pads = constant(node, 1)?.integers, pads.count == 8,
                  pads.allSatisfy({ $0 >= 0 }) else {
                throw fail("only reflection padding with 8 constant non-negative pads is supported")
            }
            step = .reflectPad(pads.map { Int($0) })
        case "Resize":
            guard node.attributes["mode"] == .string("nearest"),
                  node.attributes["coordinate_transformation_mode"] == .string("asymmetric"),
                  (node.attributes["nearest_mode"] ?? .string("round_prefer_floor")) == .string("floor"),
                  let scales = constant(node, 2)?.values, scales.count == 4, scales[0] == 1, scales[1] == 1,
                  scales[2] >= 1, scales[3] >= 1, scales[2] == scales[2].rounded(), scales[3] == scales[3].rounded()
            else { throw fail("only nearest (asymmetric, floor) upsampling by whole factors is supported") }
            step = .resize(factorY: Int(scales[2]), factorX: Int(scales[3]))
        default:
            throw fail("operator not supported (the engine reads the Magenta arbitrary-stylization graphs)")
        }
        try append(node.name, step, input: first, output: node.outputs[0], fail)
    }

    private mutating func append(_ name: String, _ step: QuantizedGraph.Step, input: String, output: String,
                                 _ fail: (String) -> ONNXError) throws {
        let operand = try operand(input, fail)
        guard case .slot = operand else { throw fail("a constant input is not supported here") }
        let slot = slots.count
        slots[output] = slot
        instructions.append((name, step, operand, slot))
    }

    /// A fused unit: reads the int8 levels of its inputs and writes those of its output.
    private mutating func compile(_ node: ONNXModel.Node, as unit: IntegerNodeUnits.Unit, _ fail: (String) -> ONNXError) throws {
        func quantization(_ activation: IntegerNodeUnits.Activation) throws -> Quantization {
            try self.quantization(scale: activation.scale, zeroPoint: activation.zeroPoint, fail)
        }
        let inputs = try unit.inputs.map(quantization), output = try quantization(unit.output)
        let step: QuantizedGraph.Step
        switch node.opType {
        case "Conv":
            let (geometry, weight, bias) = try convolution(node, fail)
            guard weight.scales.count == geometry.outputChannels || weight.scales.count == 1,
                  bias.map({ !$0.integers.isEmpty }) ?? true else {
                throw fail("an int8 convolution needs int8 weights and an int32 bias")
            }
            let multiplier = (0..<geometry.outputChannels).map {
                inputs[0].scale * weight.scales[weight.scales.count == 1 ? 0 : $0] / output.scale
            }
            step = .integerConvolution(IntegerConvolution(
                geometry: geometry, weight: weight.integers.map { Int16(clamping: $0) },
                bias: bias?.integers.map { Int32(clamping: $0) } ?? [Int32](repeating: 0, count: geometry.outputChannels),
                inputZeroPoint: inputs[0].zeroPoint, multiplier: multiplier, output: output))
        case "GlobalAveragePool":
            step = .integerAveragePool(IntegerAveragePool(input: inputs[0], output: output))
        default:
            let operation: IntegerBinary.Operation = node.opType == "Add" ? .add : .multiply
            step = .integerBinary(IntegerBinary(operation: operation, a: inputs[0], b: inputs[1], output: output),
                                  try operand(unit.inputs[1].values, fail))
        }
        try append(node.name, step, input: unit.inputs[0].values, output: unit.output.values, fail)
    }

    func finish() throws -> ([QuantizedGraph.Instruction], [Int], [Int], Int) {
        let outputs = try model.outputs.map { name -> Int in
            guard let slot = slots[name] else { throw ONNXError.malformed("graph output \(name) is never computed") }
            return slot
        }
        // Steps whose values nothing reads (dequantisations that a fused unit replaced) are dropped.
        var read = Set(outputs)
        var live: [PendingStep] = []
        for instruction in instructions.reversed() where read.contains(instruction.output) {
            live.append(instruction)
            for case let .slot(slot) in [instruction.input] + instruction.step.operands {
                read.insert(slot)
            }
        }
        live.reverse()
        live = Self.chainingElementwiseSteps(Self.fusingRoundTrips(live, outputs: Set(outputs)), outputs: Set(outputs))
        live = Self.foldingReflectionPads(live, outputs: Set(outputs))
        var lastUse: [Int: Int] = [:]
        for (index, instruction) in live.enumerated() {
            for case let .slot(slot) in [instruction.input] + instruction.step.operands {
                lastUse[slot] = index
            }
        }
        let kept = Set(outputs)
        let compiled = live.enumerated().map { index, instruction in
            QuantizedGraph.Instruction(name: instruction.name, step: instruction.step, input: instruction.input,
                                       output: instruction.output,
                                       releases: lastUse.filter { $0.value == index && !kept.contains($0.key) }.map(\.key))
        }
        return (compiled, model.inputs.map { slots[$0]! }, outputs, slots.count)
    }

    /// How many times the steps read each slot, as their input or as an operand.
    private static func readCounts(_ steps: [PendingStep]) -> [Int: Int] {
        var reads: [Int: Int] = [:]
        for step in steps {
            for case let .slot(slot) in [step.input] + step.step.operands { reads[slot, default: 0] += 1 }
        }
        return reads
    }

    /// Each QuantizeLinear step followed by a DequantizeLinear step that alone reads its levels,
    /// merged into one step: the same arithmetic, one pass over the activation instead of two.
    private static func fusingRoundTrips(_ steps: [PendingStep], outputs: Set<Int>) -> [PendingStep] {
        let reads = readCounts(steps)
        var fused: [PendingStep] = []
        var index = 0
        while index < steps.count {
            let first = steps[index]
            if index + 1 < steps.count, case let .quantize(levels) = first.step,
               case let .dequantize(back) = steps[index + 1].step, case .slot(first.output) = steps[index + 1].input,
               reads[first.output] == 1, !outputs.contains(first.output) {
                fused.append((first.name, .roundTrip(levels, back), first.input, steps[index + 1].output))
                index += 2
            } else {
                fused.append(first)
                index += 1
            }
        }
        return fused
    }

    /// Runs of elementwise steps in which each step reads the previous one's output and nothing
    /// else does, merged into chains (`QuantizedGraph.runChain`); a step on its own is a chain of one.
    private static func chainingElementwiseSteps(_ steps: [PendingStep], outputs: Set<Int>) -> [PendingStep] {
        let reads = readCounts(steps)
        var chained: [PendingStep] = []
        var chain: (first: PendingStep, links: [QuantizedGraph.Step], output: Int)?
        func flush() {
            guard let run = chain else { return }
            chained.append((run.first.name, .chain(run.links), run.first.input, run.output))
            chain = nil
        }
        for step in steps {
            guard step.step.isElementwise else {
                flush()
                chained.append(step)
                continue
            }
            if let run = chain, case .slot(run.output) = step.input, !outputs.contains(run.output) {
                let readsItTwice = step.step.operands.contains { if case .slot(run.output) = $0 { true } else { false } }
                if reads[run.output] == (readsItTwice ? 2 : 1) {
                    chain!.links.append(readsItTwice ? step.step.readingChainValue : step.step)
                    chain!.output = step.output
                    continue
                }
            }
            flush()
            chain = (step, [step.step], step.output)
        }
        flush()
        return chained
    }

    /// A reflection pad that only a convolution reads, or only a chain without operands and then
    /// a convolution: the pad folded into the convolution, which reflects its input as it reads
    /// it (the padded copy is never made), and the chain moved before it, since steps that change
    /// each value on its own give the same values whether the pad copies them before or after.
    private static func foldingReflectionPads(_ steps: [PendingStep], outputs: Set<Int>) -> [PendingStep] {
        let reads = readCounts(steps)
        func readOnlyBy(_ step: PendingStep, _ value: Int) -> Bool {
            guard case .slot(value) = step.input else { return false }
            return reads[value] == 1 && !outputs.contains(value)
        }
        func reflecting(_ step: QuantizedGraph.Step, _ reflection: Reflection) -> QuantizedGraph.Step? {
            switch step {
            case let .convolution(convolution) where convolution.canReflect: return .convolution(convolution.reflecting(reflection))
            case let .integerConvolution(convolution) where convolution.canReflect:
                return .integerConvolution(convolution.reflecting(reflection))
            default: return nil
            }
        }
        var folded: [PendingStep] = []
        var index = 0
        while index < steps.count {
            let pad = steps[index]
            // Pads of (N, C, H, W): a convolution's input is NCHW.
            guard case let .reflectPad(pads) = pad.step, pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0,
                  index + 1 < steps.count, readOnlyBy(steps[index + 1], pad.output) else {
                folded.append(pad)
                index += 1
                continue
            }
            let reflection = Reflection(top: pads[2], left: pads[3], bottom: pads[6], right: pads[7])
            let next = steps[index + 1]
            if let convolution = reflecting(next.step, reflection) {
                folded.append((next.name, convolution, pad.input, next.output))
                index += 2
            } else if case let .chain(links) = next.step, links.allSatisfy({ $0.operands.isEmpty }), index + 2 < steps.count,
                      readOnlyBy(steps[index + 2], next.output), let convolution = reflecting(steps[index + 2].step, reflection) {
                folded.append((next.name, next.step, pad.input, next.output))
                folded.append((steps[index + 2].name, convolution, .slot(next.output), steps[index + 2].output))
                index += 3
            } else {
                folded.append(pad)
                index += 1
            }
        }
        return folded
    }

    /// An activation's int8 quantisation: one constant scale and one constant zero point.
    private func quantization(scale: String, zeroPoint: String, _ fail: (String) -> ONNXError) throws -> Quantization {
        guard let scale = constants[scale]?.values, scale.count == 1,
              let zeroPoint = constants[zeroPoint]?.values, zeroPoint.count == 1 else {
            throw fail("activations must be quantised with one constant scale and zero point")
        }
        return Quantization(scale: scale[0], zeroPoint: zeroPoint[0])
    }

    private func constant(_ node: ONNXModel.Node, _ index: Int) -> Constant? {
        index < node.inputs.count ? constants[node.inputs[index]] : nil
    }

    private func operand(_ name: String, _ fail: (String) -> ONNXError) throws -> QuantizedGraph.Operand {
        if let slot = slots[name] { return .slot(slot) }
        guard let constant = constants[name] else { throw fail("input \(name) is neither computed nor a constant") }
        let count = constant.values.count
        guard constant.shape.isEmpty || (constant.shape.count == 4 && constant.shape[0] == 1 && constant.shape[2] * constant.shape[3] == 1)
                || count == 1 else {
            throw fail("constant \(name) of shape \(constant.shape) cannot be broadcast")
        }
        return .constant(Tensor(channels: count, height: 1, width: 1, values: constant.values))
    }

    /// DequantizeLinear of an initializer, folded: (q - zero point) * scale per tensor or per `axis`.
    private func dequantizedConstant(_ node: ONNXModel.Node) throws -> Constant? {
        guard let data = constant(node, 0), let scale = constant(node, 1) else { return nil }
        let zeroPoint = constant(node, 2)?.integers ?? [0]
        guard zeroPoint.count == scale.values.count else {
            throw ONNXError.malformed("node \(node.name): \(scale.values.count) scales but \(zeroPoint.count) zero points")
        }
        var inner = 1
        if scale.values.count > 1 {
            guard case let .int(axisValue) = node.attributes["axis"] ?? .int(1) else { throw ONNXError.malformed("node \(node.name): bad axis") }
            let axis = Int(axisValue) < 0 ? Int(axisValue) + data.shape.count : Int(axisValue)
            guard axis >= 0, axis < data.shape.count, data.shape[axis] == scale.values.count else {
                throw ONNXError.malformed("node \(node.name): \(scale.values.count) scales do not fit axis \(axis) of \(data.shape)")
            }
            inner = data.shape[(axis + 1)...].reduce(1, *)
        }
        let channels = scale.values.count
        let levels = data.integers.enumerated().map { i, q in q - zeroPoint[channels == 1 ? 0 : (i / inner) % channels] }
        let values = levels.enumerated().map { i, level in Float(level) * scale.values[channels == 1 ? 0 : (i / inner) % channels] }
        return Constant(shape: data.shape, values: values, integers: levels, scales: scale.values)
    }

    /// A convolution's shape, weights and bias, checked.
    private func convolution(_ node: ONNXModel.Node, _ fail: (String) -> ONNXError) throws
        -> (ConvolutionGeometry, weight: Constant, bias: Constant?) {
        guard let weight = constant(node, 1), weight.shape.count == 4 else { throw fail("the weights must be a constant 4-D tensor") }
        let outputs = weight.shape[0]
        let bias = node.inputs.count > 2 ? constant(node, 2) : nil
        guard bias.map({ $0.values.count == outputs }) ?? true else { throw fail("the bias must be a constant with one value per output") }
        func ints(_ key: String, _ fallback: [Int64]) -> [Int] {
            if case let .ints(values)? = node.attributes[key] { return values.map { Int($0) } }
            return fallback.map { Int($0) }
        }
        var groups = 1
        if case let .int(g)? = node.attributes["group"] { groups = Int(g) }
        let strides = ints("strides", [1, 1]), pads = ints("pads", [0, 0, 0, 0]), dilations = ints("dilations", [1, 1])
        guard strides.count == 2, strides.allSatisfy({ $0 > 0 }), pads.count == 4, pads.allSatisfy({ $0 >= 0 }),
              dilations == [1, 1], groups > 0, node.attributes["auto_pad"].map({ $0 == .string("NOTSET") }) ?? true,
              ints("kernel_shape", weight.shape[2...].map { Int64($0) }) == Array(weight.shape[2...]) else {
            throw fail("unsupported attributes (2-D, explicit pads, no dilation)")
        }
        guard groups == 1 || (weight.shape[1] == 1 && outputs == groups) else {
            throw fail("group convolutions other than depthwise are not supported")
        }
        let geometry = ConvolutionGeometry(inputChannels: weight.shape[1] * groups, outputChannels: outputs,
                                           kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
                                           stride: (strides[0], strides[1]), pads: pads, groups: groups)
        return (geometry, weight, bias)
    }
}
