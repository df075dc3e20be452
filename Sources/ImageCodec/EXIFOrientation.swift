/// The EXIF orientation tag (0x0112): how the stored pixels must be turned to display upright.
enum EXIFOrientation: Int {
    case up = 1, upMirrored, down, downMirrored, leftMirrored, right, rightMirrored, left

    /// Orientations 5-8 rotate by a quarter turn.
    var swapsDimensions: Bool { rawValue >= 5 }

    /// `image`, stored this way, turned upright.
    func upright(_ image: Image) -> Image {
        guard self != .up else { return image }
        let w = image.width, h = image.height
        // Stored pixel (x, y) lands at base + x * stepX + y * stepY of the upright plane.
        let (base, stepX, stepY): (Int, Int, Int)
        switch self {
        case .up: (base, stepX, stepY) = (0, 1, w)
        case .upMirrored: (base, stepX, stepY) = (w - 1, -1, w)
        case .down: (base, stepX, stepY) = ((h - 1) * w + w - 1, -1, -w)
        case .downMirrored: (base, stepX, stepY) = ((h - 1) * w, 1, -w)
        case .leftMirrored: (base, stepX, stepY) = (0, h, 1)
        case .right: (base, stepX, stepY) = (h - 1, h, -1)
        case .rightMirrored: (base, stepX, stepY) = ((w - 1) * h + h - 1, -h, -1)
        case .left: (base, stepX, stepY) = ((w - 1) * h, -h, 1)
        }
        func turned(_ planes: [Float], count: Int) -> [Float] {
            let plane = w * h
            return [Float](unsafeUninitializedCapacity: planes.count) { output, initialized in
                planes.withUnsafeBufferPointer { input in
                    for index in 0..<count {
                        let source = input.baseAddress! + index * plane
                        let target = output.baseAddress! + index * plane + base
                        for y in 0..<h {
                            for x in 0..<w {
                                target[x * stepX + y * stepY] = source[y * w + x]
                            }
                        }
                    }
                }
                initialized = planes.count
            }
        }
        let (width, height) = swapsDimensions ? (h, w) : (w, h)
        return Image(width: width, height: height, rgb: turned(image.rgb, count: 3),
                     alpha: image.alpha.map { turned($0, count: 1) })
    }

    /// Reads IFD0 of an APP1 "Exif\0\0" payload. Anything malformed means `.up`:
    /// a broken tag must never cost the user their image.
    init(exif: UnsafeBufferPointer<UInt8>) {
        self = Self.parse(exif) ?? .up
    }

    private static func parse(_ exif: UnsafeBufferPointer<UInt8>) -> EXIFOrientation? {
        let identifier: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]
        guard exif.count >= identifier.count + 8, exif.prefix(identifier.count).elementsEqual(identifier) else {
            return nil
        }
        let tiff = UnsafeBufferPointer(rebasing: exif[identifier.count...])
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x4D, 0x4D): bigEndian = true
        case (0x49, 0x49): bigEndian = false
        default: return nil
        }
        func read(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, size <= tiff.count, offset <= tiff.count - size else { return nil }
            var value = 0
            for index in 0..<size {
                let byte = Int(tiff[offset + (bigEndian ? index : size - 1 - index)])
                value = value << 8 | byte
            }
            return value
        }
        guard read(2, 2) == 42, let ifd = read(4, 4), let entries = read(ifd, 2) else { return nil }
        for entry in 0..<entries {
            let offset = ifd + 2 + 12 * entry
            guard let tag = read(offset, 2) else { return nil }
            guard tag == 0x0112 else { continue }
            // SHORT, one value, stored left-justified in the value field.
            guard read(offset + 2, 2) == 3, read(offset + 4, 4) == 1, let value = read(offset + 8, 2) else {
                return nil
            }
            return EXIFOrientation(rawValue: value)
        }
        return nil
    }
}
