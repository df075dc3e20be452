import Engine
import ImageCodec

/// The mix of styles that masks ask for, position by position: each style's share where its
/// mask covers, by its weight among the styles covering there, and the reconstruction (the
/// photo's own features) where no mask covers, so that soft mask edges give soft seams.
///
/// At a position with mask values m_i and normalised weights w_i, coverage c = min(1, sum m_i)
/// over the styles of positive weight, and
///     mix = strength * c * sum_i (w_i m_i / sum_j w_j m_j) * stylized_i + (1 - strength * c) * reconstruction.
/// Masks of all ones give the plain blend, strength * sum_i w_i stylized_i + (1 - strength) * reconstruction.
struct SpatialBlend {
    /// Per style, its coefficient at each position.
    let styleCoefficients: [[Float]]
    /// The reconstruction's coefficient at each position.
    let reconstructionCoefficients: [Float]

    init(masks: [[Float]], weights: [Float], strength: Float) {
        precondition(masks.count == weights.count && !masks.isEmpty, "one mask per style")
        let positions = masks[0].count
        var styles = [[Float]](repeating: [Float](repeating: 0, count: positions), count: masks.count)
        var reconstruction = [Float](repeating: 1, count: positions)
        for p in 0..<positions {
            var covered: Float = 0, total: Float = 0
            for (mask, weight) in zip(masks, weights) where weight > 0 {
                covered += mask[p]
                total += weight * mask[p]
            }
            guard total > 0 else { continue }
            let share = strength * min(covered, 1)
            for i in masks.indices where weights[i] > 0 {
                styles[i][p] = share * weights[i] * masks[i][p] / total
            }
            reconstruction[p] = 1 - share
        }
        styleCoefficients = styles
        reconstructionCoefficients = reconstruction
    }

    /// The blended features; a style whose share is 0 everywhere is not stylized, nor is the
    /// reconstruction where every position is fully styled.
    func mix(_ styles: [Image], stylized: (Image) throws -> Tensor, reconstruction: () throws -> Tensor) rethrows -> Tensor {
        var mix: Tensor?
        func add(_ features: Tensor, weightedBy coefficients: [Float]) {
            if mix == nil { mix = Tensor(zeros: features.channels, height: features.height, width: features.width) }
            mix!.add(features, weightedBy: coefficients)
        }
        for (style, coefficients) in zip(styles, styleCoefficients) where coefficients.contains(where: { $0 > 0 }) {
            add(try stylized(style), weightedBy: coefficients)
        }
        if reconstructionCoefficients.contains(where: { $0 > 0 }) {
            add(try reconstruction(), weightedBy: reconstructionCoefficients)
        }
        return mix!
    }
}

extension Tensor {
    /// `self += other * coefficients`, the coefficient plane applied to every channel.
    mutating func add(_ other: Tensor, weightedBy coefficients: [Float]) {
        precondition(shape == other.shape && coefficients.count == planeSize, "a blend of tensors of other shapes")
        let plane = planeSize
        values.withUnsafeMutableBufferPointer { out in
            other.values.withUnsafeBufferPointer { rhs in
                coefficients.withUnsafeBufferPointer { k in
                    for c in 0..<channels {
                        let base = c * plane
                        for p in 0..<plane { out[base + p] += rhs[base + p] * k[p] }
                    }
                }
            }
        }
    }
}
