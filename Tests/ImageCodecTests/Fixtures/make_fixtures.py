#!/usr/bin/python3
"""Writes the ImageCodec test fixtures with Pillow (an independent encoder/decoder).

Run from anywhere: /usr/bin/python3 make_fixtures.py. Output goes next to this file.

manifest.json lists every decode case: the input file, the expected size, and a raw
file with the expected pixels, interleaved RGB or RGBA, uint8 or little-endian uint16.
PNG expectations are the exact source pixels; JPEG ones are Pillow's decode of the
same file (libjpeg-turbo too), compared with a tolerance.
"""
import io
import json
import os
import struct
import warnings
import zlib

import numpy as np
from PIL import Image, ImageOps

warnings.simplefilter("ignore")  # Pillow complains about the deliberately broken EXIF
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240601)
manifest = {"decode": [], "errors": [], "resize": [], "orientation": []}


def path(name):
    return os.path.join(HERE, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def expect(name, file, pixels, tolerance=0):
    """Records a decode case; `pixels` is HxWxC (C = 3 or 4) uint8 or uint16."""
    assert pixels.ndim == 3 and pixels.shape[2] in (3, 4)
    bits = 16 if pixels.dtype == np.uint16 else 8
    raw = name + ".expected"
    write(raw, pixels.astype("<u2" if bits == 16 else "u1").tobytes())
    manifest["decode"].append({
        "name": name, "file": file, "expected": raw,
        "width": pixels.shape[1], "height": pixels.shape[0],
        "channels": pixels.shape[2], "bits": bits, "tolerance": tolerance,
    })


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def hand_png(pixels, interlaced=False):
    """A PNG written directly (Pillow cannot write 16-bit colour or Adam7)."""
    height, width, channels = pixels.shape
    depth = 16 if pixels.dtype == np.uint16 else 8
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    samples = pixels.astype(">u2" if depth == 16 else "u1")
    if interlaced:
        images = [samples[y0::dy, x0::dx] for x0, y0, dx, dy in ADAM7]
    else:
        images = [samples]
    raw = b"".join(b"\x00" + row.tobytes() for image in images if image.shape[1] for row in image)
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlaced else 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))


def png_bytes(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def ihdr(data):
    return struct.unpack(">IIBB", data[16:26])


def noise(height, width, channels, dtype=np.uint8):
    top = 65536 if dtype == np.uint16 else 256
    return rng.integers(0, top, size=(height, width, channels), dtype=np.int64).astype(dtype)


def gray_to_rgb(gray):
    return np.repeat(gray[:, :, None], 3, axis=2)


# --- PNG: exact expectations -------------------------------------------------

rgb8 = noise(17, 23, 3)
write("png_rgb8.png", png_bytes(Image.fromarray(rgb8, "RGB")))
expect("png_rgb8", "png_rgb8.png", rgb8)

rgba8 = noise(17, 23, 4)
write("png_rgba8.png", png_bytes(Image.fromarray(rgba8, "RGBA")))
expect("png_rgba8", "png_rgba8.png", rgba8)

gray8 = noise(13, 19, 1)[:, :, 0]
write("png_gray8.png", png_bytes(Image.fromarray(gray8, "L")))
expect("png_gray8", "png_gray8.png", gray_to_rgb(gray8))

gray_alpha8 = noise(13, 19, 2)
write("png_gray_alpha8.png", png_bytes(Image.fromarray(gray_alpha8, "LA")))
expect("png_gray_alpha8", "png_gray_alpha8.png",
       np.concatenate([gray_to_rgb(gray_alpha8[:, :, 0]), gray_alpha8[:, :, 1:]], axis=2))

gray16 = noise(11, 15, 1, np.uint16)[:, :, 0]
data = png_bytes(Image.frombytes("I;16", (15, 11), gray16.astype("<u2").tobytes()))
assert ihdr(data)[2:] == (16, 0), ihdr(data)
write("png_gray16.png", data)
expect("png_gray16", "png_gray16.png", gray_to_rgb(gray16))

rgb16 = noise(11, 15, 3, np.uint16)
write("png_rgb16.png", hand_png(rgb16))
expect("png_rgb16", "png_rgb16.png", rgb16)

rgba16 = noise(11, 15, 4, np.uint16)
write("png_rgba16.png", hand_png(rgba16))
expect("png_rgba16", "png_rgba16.png", rgba16)

# 200 colours force an 8-bit palette; the first 16 of them make a 4-bit one.
palette = noise(200, 1, 3).reshape(-1).tolist()
lookup = np.array(palette, dtype=np.uint8).reshape(200, 3)
indices = rng.integers(0, 200, size=(14, 21), dtype=np.uint8)
image = Image.fromarray(indices, "P")
image.putpalette(palette)
data = png_bytes(image)
assert ihdr(data)[2:] == (8, 3), ihdr(data)
write("png_palette.png", data)
expect("png_palette", "png_palette.png", lookup[indices])

indices = indices % 16
image = Image.fromarray(indices, "P")
image.putpalette(palette[:48])
data = png_bytes(image, bits=4)
assert ihdr(data)[2:] == (4, 3), ihdr(data)
write("png_palette4.png", data)
expect("png_palette4", "png_palette4.png", lookup[indices])

alphas = rng.integers(0, 256, size=16, dtype=np.uint8)
data = png_bytes(image, transparency=bytes(alphas.tolist()))
assert b"tRNS" in data
write("png_palette_trns.png", data)
expect("png_palette_trns", "png_palette_trns.png",
       np.concatenate([lookup[indices], alphas[indices][:, :, None]], axis=2))

bits = rng.integers(0, 2, size=(9, 13), dtype=np.uint8) * 255
data = png_bytes(Image.fromarray(bits, "L").convert("1"))
assert ihdr(data)[2:] == (1, 0), ihdr(data)
write("png_gray1.png", data)
expect("png_gray1", "png_gray1.png", gray_to_rgb(bits))

key = int(gray8[0, 0])
data = png_bytes(Image.fromarray(gray8, "L"), transparency=key)
assert b"tRNS" in data
write("png_gray_trns.png", data)
expect("png_gray_trns", "png_gray_trns.png",
       np.concatenate([gray_to_rgb(gray8), np.where(gray8 == key, 0, 255).astype(np.uint8)[:, :, None]], axis=2))

interlaced8 = noise(11, 13, 3)
write("png_interlaced_rgb8.png", hand_png(interlaced8, interlaced=True))
expect("png_interlaced_rgb8", "png_interlaced_rgb8.png", interlaced8)

interlaced16 = noise(9, 10, 4, np.uint16)
write("png_interlaced_rgba16.png", hand_png(interlaced16, interlaced=True))
expect("png_interlaced_rgba16", "png_interlaced_rgba16.png", interlaced16)

# Cross-check the hand-written Adam7 encoder with Pillow's decoder.
assert (np.array(Image.open(path("png_interlaced_rgb8.png"))) == interlaced8).all()

# --- JPEG: Pillow's decode as the expectation ---------------------------------


def smooth(height, width):
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 128 + 100 * np.sin(x / 5.0) * np.cos(y / 7.0)
    g = 255 * x / max(width - 1, 1)
    b = 255 * y / max(height - 1, 1)
    image = np.stack([r, g, b], axis=2) + rng.normal(0, 8, size=(height, width, 3))
    return np.clip(image, 0, 255).astype(np.uint8)


def jpeg_bytes(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def pillow_rgb(name):
    return np.array(Image.open(path(name)).convert("RGB"))


photo = Image.fromarray(smooth(24, 32), "RGB")
write("jpeg_baseline.jpg", jpeg_bytes(photo))
expect("jpeg_baseline", "jpeg_baseline.jpg", pillow_rgb("jpeg_baseline.jpg"), tolerance=2)

write("jpeg_progressive.jpg", jpeg_bytes(photo, progressive=True))
assert b"\xff\xc2" in open(path("jpeg_progressive.jpg"), "rb").read()
expect("jpeg_progressive", "jpeg_progressive.jpg", pillow_rgb("jpeg_progressive.jpg"), tolerance=2)

write("jpeg_gray.jpg", jpeg_bytes(photo.convert("L")))
assert Image.open(path("jpeg_gray.jpg")).mode == "L"
expect("jpeg_gray", "jpeg_gray.jpg", pillow_rgb("jpeg_gray.jpg"), tolerance=2)

# Pillow stores CMYK inverted with an Adobe segment, like Photoshop.
write("jpeg_cmyk.jpg", jpeg_bytes(photo.convert("CMYK")))
assert Image.open(path("jpeg_cmyk.jpg")).mode == "CMYK"
expect("jpeg_cmyk", "jpeg_cmyk.jpg", pillow_rgb("jpeg_cmyk.jpg"), tolerance=2)


def exif_payload(orientation, big_endian=False):
    order = ">" if big_endian else "<"
    tiff = (b"MM" if big_endian else b"II") + struct.pack(order + "HI", 42, 8)
    tiff += struct.pack(order + "H", 1) + struct.pack(order + "HHI", 0x0112, 3, 1)
    tiff += struct.pack(order + "HH", orientation, 0) + struct.pack(order + "I", 0)
    return b"Exif\x00\x00" + tiff


# Displayed upright, every oriented fixture shows red, green / blue, white quadrants.
CORNERS = {"topLeft": [255, 0, 0], "topRight": [0, 255, 0], "bottomLeft": [0, 0, 255], "bottomRight": [255, 255, 255]}
upright = np.zeros((24, 40, 3), dtype=np.uint8)
upright[:12, :20] = CORNERS["topLeft"]
upright[:12, 20:] = CORNERS["topRight"]
upright[12:, :20] = CORNERS["bottomLeft"]
upright[12:, 20:] = CORNERS["bottomRight"]
upright_image = Image.fromarray(upright, "RGB")
UNDO = {1: None, 2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM,
        5: Image.TRANSPOSE, 6: Image.ROTATE_90, 7: Image.TRANSVERSE, 8: Image.ROTATE_270}


def oriented_fixture(name, orientation, payload):
    stored = upright_image if UNDO[orientation] is None else upright_image.transpose(UNDO[orientation])
    write(name + ".jpg", jpeg_bytes(stored, exif=payload, subsampling=0))
    opened = Image.open(path(name + ".jpg"))
    assert opened.getexif().get(0x0112) == orientation, name
    shown = np.array(ImageOps.exif_transpose(opened).convert("RGB"))
    assert shown.shape == upright.shape and np.abs(shown.astype(int) - upright).max() < 40, name
    expect(name, name + ".jpg", shown, tolerance=2)
    manifest["orientation"].append(name)


for orientation in range(1, 9):
    oriented_fixture("jpeg_exif_%d" % orientation, orientation, exif_payload(orientation))
oriented_fixture("jpeg_exif_6_big_endian", 6, exif_payload(6, big_endian=True))

# Malformed EXIF must be ignored: the pixels come out as stored.
good = exif_payload(6)
malformed = {
    "jpeg_exif_bad_ifd_offset": good[:10] + struct.pack("<I", 0xFFFFFF00) + good[14:],
    "jpeg_exif_truncated": good[:20],
    "jpeg_exif_bad_byte_order": b"Exif\x00\x00XX" + good[8:],
    "jpeg_exif_wrong_type": good[:18] + struct.pack("<H", 4) + good[20:],
    "jpeg_exif_orientation_9": exif_payload(9),
}
stored = upright_image.transpose(Image.ROTATE_90)
for name, payload in malformed.items():
    write(name + ".jpg", jpeg_bytes(stored, exif=payload, subsampling=0))
    expect(name, name + ".jpg", pillow_rgb(name + ".jpg"), tolerance=2)

# --- Inputs that must be refused ----------------------------------------------


def error_case(name, data, error):
    write(name, data)
    manifest["errors"].append({"file": name, "error": error})


png = open(path("png_rgb8.png"), "rb").read()
error_case("png_truncated.png", png[: len(png) // 2], "corrupt")
idat = png.index(b"IDAT") + 10
error_case("png_bad_crc.png", png[:idat] + bytes([png[idat] ^ 0xFF]) + png[idat + 1:], "corrupt")
error_case("png_garbage.png", png[:8] + rng.integers(0, 256, 200, dtype=np.uint8).tobytes(), "corrupt")
error_case("png_header_only.png", png[:33], "corrupt")
jpeg = open(path("jpeg_baseline.jpg"), "rb").read()
error_case("jpeg_truncated.jpg", jpeg[: len(jpeg) * 6 // 10], "corrupt")
progressive = open(path("jpeg_progressive.jpg"), "rb").read()
error_case("jpeg_progressive_truncated.jpg", progressive[: len(progressive) // 2], "corrupt")
error_case("jpeg_garbage.jpg", b"\xff\xd8\xff" + rng.integers(0, 256, 200, dtype=np.uint8).tobytes(), "corrupt")
error_case("garbage.bin", rng.integers(0, 256, 64, dtype=np.uint8).tobytes(), "unsupportedFormat")
buffer = io.BytesIO()
Image.fromarray(rgb8, "RGB").convert("P").save(buffer, "GIF")
error_case("image.gif", buffer.getvalue(), "unsupportedFormat")

# Tiny files whose headers claim 20000 x 20000 pixels.
header = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
write("png_huge_header.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
      + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))
sof = jpeg.index(b"\xff\xc0")
write("jpeg_huge_header.jpg", jpeg[: sof + 5] + struct.pack(">HH", 20000, 20000) + jpeg[sof + 9:])

# --- Resampling: Pillow's BICUBIC output ----------------------------------------

height, width = 54, 80
y, x = np.mgrid[0:height, 0:width]
source = smooth(height, width)
source[(x // 2 + y // 2) % 2 == 0] //= 3
alpha = np.clip(255 * (x + y) / (width + height - 2) + rng.normal(0, 20, (height, width)), 0, 255).astype(np.uint8)
alpha[20:30, 30:50] = 0
write("resize_source.png", png_bytes(Image.fromarray(np.concatenate([source, alpha[:, :, None]], axis=2), "RGBA")))
for name, size in (("down_2_7", (30, 20)), ("down_2", (40, 27)), ("up_1_5", (120, 81))):
    # RGB and alpha separately: Pillow premultiplies RGBA, the codec treats alpha as a plane.
    rgb = np.array(Image.fromarray(source, "RGB").resize(size, Image.BICUBIC))
    a = np.array(Image.fromarray(alpha, "L").resize(size, Image.BICUBIC))
    raw = "resize_%s.expected" % name
    write(raw, np.concatenate([rgb, a[:, :, None]], axis=2).tobytes())
    manifest["resize"].append({"name": name, "source": "resize_source.png", "expected": raw,
                               "width": size[0], "height": size[1]})

# --- Hostile inputs: small files that ask for much memory or work --------------
# jpeg_many_scans.jpg needs cjpeg (Debian's libjpeg-turbo-progs) for its scan script.

# Metadata a decoder must skip unread: text and an ICC profile that inflate to 16 MB each, and
# an unknown chunk; the pixels are png_rgb8's.
bomb = zlib.compress(b"a" * (16 << 20), 9)
ancillary = (png_chunk(b"zTXt", b"comment\x00\x00" + bomb) + png_chunk(b"iCCP", b"icc\x00\x00" + bomb)
             + png_chunk(b"teSt", bytes(100_000)))
idat_chunk = png.index(b"IDAT") - 4
write("png_ancillary_bombs.png", png[:idat_chunk] + ancillary + png[idat_chunk:])
expect("png_ancillary_bombs", "png_ancillary_bombs.png", np.array(Image.open(path("png_rgb8.png")).convert("RGB")))
# A chunk whose length field claims 2 GB, in a file of a few dozen bytes.
error_case("png_huge_chunk.png", png[:33] + struct.pack(">I", 0x7FFFFFFF) + b"tEXt" + b"x" * 16, "corrupt")
# A 6000 x 6000 frame whose scan ends at once: not a grey 36 MP image, an error.
sos = jpeg.index(b"\xff\xda")
scan_header = jpeg[sos:sos + 2 + struct.unpack(">H", jpeg[sos + 2:sos + 4])[0]]
error_case("jpeg_empty_scan.jpg", jpeg[: sof + 5] + struct.pack(">HH", 6000, 6000) + jpeg[sof + 9:sos]
           + scan_header + b"\x00" * 8 + b"\xff\xd9", "corrupt")
# A valid progression of 66 scans (each AC coefficient of the first component on its own).
import subprocess
import tempfile
with tempfile.TemporaryDirectory() as folder:
    photo.save(os.path.join(folder, "photo.ppm"))
    with open(os.path.join(folder, "scans.txt"), "w") as script:
        script.write("0,1,2: 0-0, 0, 0;\n")
        for k in range(1, 64):
            script.write("0: %d-%d, 0, 0;\n" % (k, k))
        script.write("1: 1-63, 0, 0;\n2: 1-63, 0, 0;\n")
    many = subprocess.run(["cjpeg", "-scans", os.path.join(folder, "scans.txt"), os.path.join(folder, "photo.ppm")],
                          check=True, capture_output=True).stdout
assert many.count(b"\xff\xda") == 66
error_case("jpeg_many_scans.jpg", many, "corrupt")

manifest["corners"] = CORNERS
with open(path("manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
