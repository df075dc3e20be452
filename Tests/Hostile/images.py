"""Hostile image files, built at test time from a few bytes of description each.

Nothing here is a valid photo: each file is small on the wire and says, in its header or its
chunks or its scans, that decoding it costs far more memory or time than it is worth.
"""
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def png_chunk(kind, data, declared_length=None):
    """One chunk; `declared_length` lies about its length (the CRC still covers what is sent)."""
    length = len(data) if declared_length is None else declared_length
    return struct.pack(">I", length) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def ihdr(width, height, bit_depth=8, color_type=2):
    return png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0))


def deflated_zeros(count, level=9):
    """A zlib stream of `count` zero bytes, made without holding them all."""
    compressor = zlib.compressobj(level)
    block = bytes(1 << 20)
    parts = []
    while count > 0:
        step = min(count, len(block))
        parts.append(compressor.compress(block[:step]))
        count -= step
    parts.append(compressor.flush())
    return b"".join(parts)


def zero_png(width, height, bit_depth=8, color_type=2):
    """A black image of any size: every row is filter 0 and zero samples, so it deflates ~1000:1."""
    row = 1 + width * CHANNELS[color_type] * bit_depth // 8
    return (PNG_SIGNATURE + ihdr(width, height, bit_depth, color_type)
            + png_chunk(b"IDAT", deflated_zeros(row * height)) + png_chunk(b"IEND", b""))


def small_png(width=64, height=64):
    """A tiny valid grey image."""
    raw = b"".join(b"\x00" + bytes([128]) * (width * 3) for _ in range(height))
    return PNG_SIGNATURE + ihdr(width, height) + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b"")


def huge_chunk_png(kind):
    """About 107 bytes: a 64x64 header, then an ancillary chunk that declares 2 GB and stops."""
    payloads = {
        b"zTXt": b"Comment\x00\x00" + zlib.compress(b"A" * 4096)[:40],
        b"iCCP": b"icc\x00\x00" + zlib.compress(b"\x00" * 4096)[:40],
        b"vpAg": b"\x00" * 48,
    }
    data = payloads[kind]
    head = struct.pack(">I", 0x7FFF_FFFF) + kind + data
    return PNG_SIGNATURE + ihdr(64, 64) + head + b"\x00" * max(0, 107 - 33 - len(head))


def text_bomb_png(total_compressed=600_000, per_chunk_inflated=7_500_000):
    """A valid 64x64 image preceded by zTXt chunks of repeated text: about `total_compressed`
    bytes on the wire inflating to hundreds of MB, each chunk under libpng's 8 MB chunk limit."""
    compressor = zlib.compressobj(9)
    text = compressor.compress(b"a" * per_chunk_inflated) + compressor.flush()
    chunk = png_chunk(b"zTXt", b"Comment\x00\x00" + text)
    count = max(1, total_compressed // len(chunk))
    raw = b"".join(b"\x00" + bytes(64 * 3) for _ in range(64))
    png = (PNG_SIGNATURE + ihdr(64, 64) + chunk * count
           + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))
    return png, count * per_chunk_inflated


# JPEG ---------------------------------------------------------------------------------------

def _segment(marker, payload):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def _dht(table_class, table_id, bits, values):
    assert len(bits) == 16 and sum(bits) == len(values)
    return _segment(0xC4, bytes([(table_class << 4) | table_id]) + bytes(bits) + bytes(values))


# The code lengths of ITU T.81 Annex K; the symbols in any order make a valid table.
DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
DC_CHROMA_BITS = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
AC_BITS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
AC_CHROMA_BITS = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77]
AC_SYMBOLS = [0x00, 0xF0] + [(run << 4) | size for run in range(16) for size in range(1, 11)]

JFIF = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")


def truncated_jpeg(width=6000, height=6000, total=633):
    """A baseline JPEG whose header declares width x height, cut off a few bytes into its first scan."""
    dqt = _segment(0xDB, b"\x00" + bytes([1] * 64) + b"\x01" + bytes([1] * 64))
    sof = _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x01\x03\x11\x01")
    dht = (_dht(0, 0, DC_BITS, range(12)) + _dht(1, 0, AC_BITS, AC_SYMBOLS)
           + _dht(0, 1, DC_CHROMA_BITS, range(12)) + _dht(1, 1, AC_CHROMA_BITS, AC_SYMBOLS))
    sos = _segment(0xDA, b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00")
    head = b"\xff\xd8" + JFIF + dqt + sof + dht + sos
    return head + bytes([0x5A]) * max(1, total - len(head))


class _BitWriter:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.count = 0

    def write(self, value, bits):
        self.acc = (self.acc << bits) | value
        self.count += bits
        while self.count >= 8:
            self.count -= 8
            self._byte((self.acc >> self.count) & 0xFF)
        self.acc &= (1 << self.count) - 1

    def _byte(self, byte):
        self.out.append(byte)
        if byte == 0xFF:
            self.out.append(0x00)  # byte stuffing

    def finish(self):
        if self.count:
            self.write((1 << (8 - self.count)) - 1, 8 - self.count)  # pad with ones
        return bytes(self.out)


def progressive_scan_bomb(width=6000, height=6000, scans=4000):
    """A greyscale progressive JPEG: one DC scan, then `scans` AC scans that each skip every
    block with a few end-of-band runs (about 44 bytes a scan). Each scan makes libjpeg walk
    the whole coefficient buffer, so the file costs thousands of full-image passes."""
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    dqt = _segment(0xDB, b"\x00" + bytes([1] * 64))
    sof = _segment(0xC2, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    # DC: category 0 is the one-bit code '0'. AC: EOBRUN r=14 is '0', r=12 is '10'.
    dht = _dht(0, 0, [1] + [0] * 15, [0]) + _dht(1, 0, [1, 1] + [0] * 14, [0xE0, 0xC0])
    dc_scan = _segment(0xDA, b"\x01\x01\x00\x00\x00\x00") + bytes((blocks + 7) // 8)
    bits = _BitWriter()
    left = blocks
    while left >= 16384:
        run = min(left, 32767)
        bits.write(0, 1)
        bits.write(run - 16384, 14)
        left -= run
    if left:
        assert 4096 <= left < 8192, left
        bits.write(0b10, 2)
        bits.write(left - 4096, 12)
    ac_scan = _segment(0xDA, b"\x01\x01\x00\x01\x3f\x00") + bits.finish()
    return b"\xff\xd8" + dqt + sof + dht + dc_scan + ac_scan * scans + b"\xff\xd9"
