/// The EXIF orientation tag (0x0112): how the stored pixels must be turned to display upright.
enum EXIFOrientation: Int {
    case up = 1, upMirrored, down, downMirrored, leftMirrored, right, rightMirrored, left

    /// Orientations 5-8 rotate by a quarter turn.
    var swapsDimensions: Bool { rawValue >= 5 }

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
