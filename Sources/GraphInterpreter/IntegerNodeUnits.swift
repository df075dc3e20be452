import Engine
import ONNX

/// The nodes that onnxruntime, at its default optimisation level, runs on its int8 kernels
/// (QLinearConv, QLinearAdd, QLinearMul, QLinearGlobalAveragePool) instead of the float
/// operator between DequantizeLinear and QuantizeLinear that the file states.
///
/// The two disagree by a rounding here and there, and the graphs' int8 activations turn those
/// into a different picture (a style vector about 1 % off, images about 9/255 apart on
/// average), so the engine follows what onnxruntime runs by default. Its x86 rules, read
/// off the graphs it produces:
/// - an activation's Quantize/Dequantize pair becomes uint8 when the QuantizeLinear feeds
///   only that DequantizeLinear and the DequantizeLinear feeds only one node; other pairs stay int8;
/// - a node unit is DequantizeLinear on every activation input, the node, an optional Relu or
///   Clip that the output's range makes redundant, and one QuantizeLinear;
/// - Conv fuses when its input and output pairs are both uint8 (int8 activations have no x86
///   kernel); Add, Mul and GlobalAveragePool when all their pairs have the same type.
/// The arithmetic of a fused unit does not depend on the type: uint8 is int8 plus 128 in
/// both the values and the zero points.
struct IntegerNodeUnits {
    /// A quantised activation: the QuantizeLinear output that holds its int8 values.
    struct Activation {
        let values: String
        let scale: String
        let zeroPoint: String
    }

    struct Unit {
        let inputs: [Activation]
        let output: Activation
    }

    /// Fused units by their node's output (unique in a graph, unlike node names, which may be empty).
    private(set) var units: [String: Unit] = [:]
    /// Outputs of the Relu, Clip and QuantizeLinear nodes that a unit takes over.
    private(set) var absorbed: Set<String> = []

    /// `constant` gives an initializer's values (nil for computed values).
    init(_ model: ONNXModel, constant: (String) -> [Float]?) {
        var producer: [String: ONNXModel.Node] = [:]
        var consumers: [String: [ONNXModel.Node]] = [:]
        for node in model.nodes {
            for output in node.outputs { producer[output] = node }
            for input in node.inputs { consumers[input, default: []].append(node) }
        }
        let graphOutputs = Set(model.outputs)
        func only(_ value: String) -> ONNXModel.Node? {
            guard !graphOutputs.contains(value), let users = consumers[value], users.count == 1 else { return nil }
            return users[0]
        }
        /// Whether the pair that QuantizeLinear `quantize` starts is converted to uint8.
        func isUnsigned(_ quantize: ONNXModel.Node) -> Bool {
            guard let dequantize = only(quantize.outputs[0]), dequantize.opType == "DequantizeLinear" else { return false }
            return only(dequantize.outputs[0]) != nil
        }
        func activation(_ value: String) -> (Activation, unsigned: Bool)? {
            guard let dequantize = producer[value], dequantize.opType == "DequantizeLinear", dequantize.inputs.count == 3,
                  constant(dequantize.inputs[0]) == nil, let quantize = producer[dequantize.inputs[0]],
                  quantize.opType == "QuantizeLinear" else { return nil }
            return (Activation(values: dequantize.inputs[0], scale: dequantize.inputs[1], zeroPoint: dequantize.inputs[2]),
                    isUnsigned(quantize))
        }
        func output(of node: ONNXModel.Node) -> (Activation, unsigned: Bool, absorbed: [String])? {
            guard var next = only(node.outputs[0]) else { return nil }
            var absorbed: [String] = []
            var clip: (low: Float, high: Float)?
            if next.opType == "Relu" || next.opType == "Clip" {
                clip = next.opType == "Relu" ? (0, .infinity)
                    : (constant(next.inputs[1])?.first ?? -.infinity, constant(next.inputs[2])?.first ?? .infinity)
                absorbed.append(next.outputs[0])
                guard let after = only(next.outputs[0]) else { return nil }
                next = after
            }
            guard next.opType == "QuantizeLinear", next.inputs.count == 3,
                  let scale = constant(next.inputs[1])?.first, let zeroPoint = constant(next.inputs[2])?.first else { return nil }
            // The Relu or Clip must not narrow the int8 range it feeds: then dropping it changes nothing.
            if let clip, clip.low > (-128 - zeroPoint) * scale || clip.high < (127 - zeroPoint) * scale { return nil }
            absorbed.append(next.outputs[0])
            return (Activation(values: next.outputs[0], scale: next.inputs[1], zeroPoint: next.inputs[2]), isUnsigned(next), absorbed)
        }

        for node in model.nodes {
            let arity: Int
            switch node.opType {
            case "Conv", "GlobalAveragePool": arity = 1
            case "Add", "Mul": arity = 2
            default: continue
            }
            let inputs = node.inputs.prefix(arity).compactMap(activation)
            guard inputs.count == arity, let (result, unsigned, absorbed) = output(of: node) else { continue }
            let types = Set(inputs.map(\.unsigned) + [unsigned])
            guard types.count == 1, node.opType != "Conv" || unsigned else { continue }
            units[node.outputs[0]] = Unit(inputs: inputs.map(\.0), output: result)
            self.absorbed.formUnion(absorbed)
        }
    }
}
