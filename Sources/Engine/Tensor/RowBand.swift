/// Rows `top ..< top + tensor.height` of a feature map `fullHeight` rows high: what a streamed
/// pass holds of a layer at once (at 2048 px, one of the first layers of VGG alone would be 1 GiB).
/// Layers read the rows they need from it, reflecting about the full map's borders.
public struct RowBand {
    public let tensor: Tensor
    public let top: Int
    public let fullHeight: Int

    /// A whole feature map as a band.
    public init(_ tensor: Tensor) {
        self.init(tensor, top: 0, fullHeight: tensor.height)
    }

    public init(_ tensor: Tensor, top: Int, fullHeight: Int) {
        precondition(top >= 0 && top + tensor.height <= fullHeight, "band outside its feature map")
        self.tensor = tensor
        self.top = top
        self.fullHeight = fullHeight
    }

    public var rows: Range<Int> { top..<(top + tensor.height) }

    /// Index in the band of full-map row `y` after reflection about the map's top and bottom.
    @inline(__always)
    func row(reflecting y: Int) -> Int {
        let local = reflect(y, size: fullHeight) - top
        assert(local >= 0 && local < tensor.height, "row \(y) is not in the band \(rows)")
        return local
    }
}
