/// A 3x3 matrix of doubles: just enough linear algebra for colour preservation.
typealias Matrix3 = [[Double]]

extension Array where Element == [Double] {
    static var identity: Matrix3 { [[1, 0, 0], [0, 1, 0], [0, 0, 1]] }

    func multiplied(by other: Matrix3) -> Matrix3 {
        (0..<3).map { r in (0..<3).map { c in (0..<3).reduce(0.0) { $0 + self[r][$1] * other[$1][c] } } }
    }

    var transposed: Matrix3 { (0..<3).map { r in (0..<3).map { c in self[c][r] } } }

    func inverse() -> Matrix3 {
        let m = self
        let cofactors: Matrix3 = (0..<3).map { r in
            (0..<3).map { c in
                let r1 = (r + 1) % 3, r2 = (r + 2) % 3, c1 = (c + 1) % 3, c2 = (c + 2) % 3
                return m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1]
            }
        }
        let determinant = (0..<3).reduce(0.0) { $0 + m[0][$1] * cofactors[0][$1] }
        return cofactors.transposed.map { $0.map { $0 / determinant } }
    }

    /// The square root of a symmetric positive-definite matrix, by Jacobi eigen-decomposition.
    func symmetricSquareRoot() -> Matrix3 {
        var a = self
        var vectors = Matrix3.identity
        for _ in 0..<64 {
            let off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2]
            if off < 1e-22 * Swift.max(1, a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2]) { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[p][q] != 0 {
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                let cosine = 1 / (t * t + 1).squareRoot(), sine = t * cosine
                var rotation = Matrix3.identity
                rotation[p][p] = cosine; rotation[q][q] = cosine
                rotation[p][q] = sine; rotation[q][p] = -sine
                a = rotation.transposed.multiplied(by: a).multiplied(by: rotation)
                vectors = vectors.multiplied(by: rotation)
            }
        }
        let roots = (0..<3).map { Swift.max(0, a[$0][$0]).squareRoot() }
        return (0..<3).map { r in
            (0..<3).map { c in (0..<3).reduce(0.0) { $0 + vectors[r][$1] * roots[$1] * vectors[c][$1] } }
        }
    }
}
