import Engine

/// Adaptive instance normalisation (Huang and Belongie, 2017): the content features with the
/// style features' per-channel mean and standard deviation.
public func adaptiveInstanceNormalization(content: Tensor, style: ChannelStatistics, context: ComputeContext) -> Tensor {
    content.normalized(to: style, context: context)
}
