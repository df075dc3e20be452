"""Decodes the image file named by the first argument with Pillow, a decoder independent of
the service's own, and prints what the tests check as JSON: the format Pillow recognised, the
mode, the size, whether there is alpha, and the pixels as RGBA bytes (base64)."""
import base64
import json
import sys

from PIL import Image

with Image.open(sys.argv[1]) as image:
    image.load()
    print(json.dumps({
        "format": image.format,
        "mode": image.mode,
        "width": image.width,
        "height": image.height,
        "has_alpha": "A" in image.getbands() or "transparency" in image.info,
        "rgba": base64.b64encode(image.convert("RGBA").tobytes()).decode(),
    }))
