#!/usr/bin/env python3
"""Golden outputs for the Magenta method from onnxruntime running the two ONNX files.

  python3 Tests/Reference/make_magenta_fixtures.py WEIGHTS_DIR [--out Tests/Reference/generated/magenta]

WEIGHTS_DIR holds arbitrary_predict.onnx and arbitrary_transform.onnx (weights/fetch.sh).
Inputs are at the export shapes: styles 256x256, content 384x384 (made from the committed
PNGs in inputs/ with Pillow's bicubic resize and written as PNG, so both sides read the
same pixels). The sessions run at onnxruntime's default optimisation level, as anyone who
loads the files gets them: that level runs many node units on onnxruntime's int8 kernels,
which round differently from the float operators the file states, and the engine follows it.

Writes manifest.json (style vectors as lists, expected images as PNG paths, blends: alpha and
several weighted styles, and masked blends: each style drawn over the whole content by
onnxruntime, the results mixed pixel by pixel as the masks say, the content itself where none
covers).
"""
import argparse, json, sys
from pathlib import Path
import numpy as np
import onnx
import onnxruntime as ort
from PIL import Image

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "inputs"
STYLES = ["style_udnie_256x256.png", "style_starry_64x80.png", "style_wave_97x61.png", "style_composition_vii_96x96.png"]
CONTENTS = ["content_golden_gate_256x256.png", "content_seaport_128x96.png", "content_chicago_75x50.png"]
# Magenta's controls: alpha * sum_i w_i v(style_i) + (1 - alpha) * v(content), with the weights
# normalised to sum 1, in float32 and in that order. The content is used at 256 x 256, its own
# size, so that its vector comes from the same pixels on both sides.
BLENDS = [
    {"content": "content_golden_gate_256x256.png", "styles": ["style_udnie_256x256.png", "style_starry_64x80.png"],
     "style_weights": [1.0, 3.0], "alpha": 0.6},
    {"content": "content_golden_gate_256x256.png", "styles": ["style_wave_97x61.png"], "style_weights": [1.0], "alpha": 0.0},
]

# Spatial control: the masks drawn by write_masks at the content's 256 x 256 (complementary
# halves with a feathered seam, and an ellipse that leaves the rest to the content itself).
MASKED = [
    {"content": "content_golden_gate_256x256.png", "styles": ["style_udnie_256x256.png", "style_wave_97x61.png"],
     "style_weights": [1.0, 1.0], "alpha": 1.0, "masks": ["left_256.png", "right_256.png"]},
    {"content": "content_golden_gate_256x256.png", "styles": ["style_starry_64x80.png"],
     "style_weights": [1.0], "alpha": 0.7, "masks": ["ellipse_256.png"]},
]


def write_masks(folder):
    x = (np.arange(256) + 0.5) / 256
    left = np.repeat(np.clip((0.5 - x) / 0.2 + 0.5, 0, 1)[None, :], 256, axis=0)
    y, x = np.mgrid[0:256, 0:256]
    ellipse = np.clip((1.2 - np.hypot((x + 0.5 - 128) / 90, (y + 0.5 - 120) / 70)) / 0.4, 0, 1)
    for name, plane in (("left_256.png", left), ("right_256.png", 1 - left), ("ellipse_256.png", ellipse)):
        Image.fromarray(np.uint8(np.round(255 * plane)), mode="L").save(folder / name)


def masked_blend(masks, weights, images, content):
    """The engine's spatial blend (strength 1, alpha being in the style vectors): coverage
    c = min(1, sum of the masks of positive weight), each style by w_i m_i / sum_j w_j m_j times c,
    the content's pixels for 1 - c; in float32, in that order."""
    covered = sum(m for m, w in zip(masks, weights) if w > 0)
    total = sum(w * m for m, w in zip(masks, weights) if w > 0)
    share = np.where(total > 0, np.minimum(covered, np.float32(1)), np.float32(0)).astype(np.float32)
    safe = np.where(total > 0, total, np.float32(1)).astype(np.float32)
    mix = sum((share * w * m / safe)[None, :, :, None] * image for m, w, image in zip(masks, weights, images) if w > 0)
    return mix + (np.float32(1) - share)[None, :, :, None] * content


def session(path, any_size=False):
    """any_size: the content input's height and width made free (the file fixes the export's 384)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    graph = onnx.load(str(path))
    if any_size:
        for axis, name in ((1, "height"), (2, "width")):
            graph.graph.input[0].type.tensor_type.shape.dim[axis].dim_param = name
    if not has_vnni():
        unsigned_weights(graph)
    return ort.InferenceSession(graph.SerializeToString(), options, providers=["CPUExecutionProvider"])


def unsigned_weights(graph):
    """Every int8 weight and its zero points as uint8, both plus 128: the same real values, so the
    same graph, but onnxruntime then multiplies uint8 by uint8, which it does exactly on any x86
    processor, where its uint8-by-int8 products saturate 16-bit pair sums without VNNI."""
    initializers = {i.name: i for i in graph.graph.initializer}
    for node in graph.graph.node:
        weight = initializers.get(node.input[0]) if node.op_type == "DequantizeLinear" else None
        if weight is None or weight.data_type != onnx.TensorProto.INT8:
            continue
        shifted = onnx.numpy_helper.to_array(weight).astype(np.int16) + 128
        weight.CopyFrom(onnx.numpy_helper.from_array(shifted.astype(np.uint8), weight.name))
        scale = initializers[node.input[1]]
        if len(node.input) > 2 and node.input[2]:
            zero = onnx.numpy_helper.to_array(initializers[node.input[2]]).astype(np.int16) + 128
        else:
            zero = np.full(onnx.numpy_helper.to_array(scale).shape, 128, np.int16)
        name = f"{node.input[0]}_unsigned_zero_point"
        graph.graph.initializer.append(onnx.numpy_helper.from_array(zero.astype(np.uint8), name))
        while len(node.input) < 3:
            node.input.append("")
        node.input[2] = name


def prepared(name, width, height, out):
    image = Image.open(INPUTS / name).convert("RGB").resize((width, height), Image.BICUBIC)
    path = out / f"{Path(name).stem}_{width}x{height}.png"
    image.save(path)
    return path, (np.asarray(image, dtype=np.float32) / 255.0)[None]


def to_png(array, path):
    Image.fromarray(np.floor(np.clip(array[0], 0, 1) * 255 + 0.5).astype(np.uint8)).save(path)


def has_vnni():
    """onnxruntime's uint8-by-int8 products are exact only with VNNI; without it they saturate 16-bit pair sums."""
    try:
        flags = next(line for line in open("/proc/cpuinfo") if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return True
    return "avx512_vnni" in flags or "avx_vnni" in flags


def main():
    if not has_vnni():
        print("this processor has no VNNI: onnxruntime runs the graphs with their weights as uint8, "
              "where its products are exact", file=sys.stderr)
    parser = argparse.ArgumentParser()
    parser.add_argument("weights")
    parser.add_argument("--out", default=str(HERE / "generated" / "magenta"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    predictor = session(Path(args.weights) / "arbitrary_predict.onnx")
    transform = session(Path(args.weights) / "arbitrary_transform.onnx", any_size=True)
    vector_input = transform.get_inputs()[1].name
    rel = lambda p: str(Path(p).relative_to(HERE))

    vectors = []
    for name in STYLES:
        path, pixels = prepared(name, 256, 256, out)
        vector = predictor.run(None, {"style_image": pixels})[0]
        vectors.append({"image": rel(path), "vector": vector.ravel().tolist()})
    images = []
    for i, name in enumerate(CONTENTS):
        path, pixels = prepared(name, 384, 384, out)
        style = vectors[i % len(vectors)]
        vector = np.asarray(style["vector"], np.float32).reshape(1, 1, 1, -1)
        expected = out / f"{Path(name).stem}_x_{Path(style['image']).stem}.png"
        to_png(transform.run(None, {"content_image": pixels, vector_input: vector})[0], expected)
        images.append({"content": rel(path), "style": style["image"], "expected": rel(expected)})
        print(f"{expected.name}")
    blends = []
    for i, case in enumerate(BLENDS):
        content_path, content = prepared(case["content"], 256, 256, out)
        style_paths, mix = [], None
        weights = np.float32(case["style_weights"]) / np.float32(sum(case["style_weights"]))
        for name, weight in zip(case["styles"], weights):
            path, pixels = prepared(name, 256, 256, out)
            style_paths.append(rel(path))
            vector = predictor.run(None, {"style_image": pixels})[0] * weight
            mix = vector if mix is None else mix + vector
        alpha = np.float32(case["alpha"])
        if alpha < 1:
            own = predictor.run(None, {"style_image": content})[0]
            mix = own if alpha == 0 else mix * alpha + own * (np.float32(1) - alpha)
        expected = out / f"blend_{i}.png"
        to_png(transform.run(None, {"content_image": content, vector_input: mix})[0], expected)
        blends.append({"content": rel(content_path), "styles": style_paths, "style_weights": case["style_weights"],
                       "alpha": case["alpha"], "expected": rel(expected)})
        print(expected.name)
    write_masks(out)
    masked = []
    for i, case in enumerate(MASKED):
        content_path, content = prepared(case["content"], 256, 256, out)
        own = predictor.run(None, {"style_image": content})[0]
        alpha = np.float32(case["alpha"])
        weights = np.float32(case["style_weights"]) / np.float32(sum(case["style_weights"]))
        style_paths, drawn = [], []
        for name in case["styles"]:
            path, pixels = prepared(name, 256, 256, out)
            style_paths.append(rel(path))
            vector = predictor.run(None, {"style_image": pixels})[0]
            if alpha < 1:
                vector = vector * alpha + own * (np.float32(1) - alpha)
            drawn.append(np.clip(transform.run(None, {"content_image": content, vector_input: vector})[0], 0, 1))
        masks = [np.asarray(Image.open(out / name), dtype=np.float32) / np.float32(255) for name in case["masks"]]
        expected = out / f"masked_{i}.png"
        to_png(masked_blend(masks, weights, drawn, content), expected)
        masked.append({"content": rel(content_path), "styles": style_paths, "style_weights": case["style_weights"],
                       "alpha": case["alpha"], "masks": [rel(out / name) for name in case["masks"]],
                       "expected": rel(expected)})
        print(expected.name)
    (out / "manifest.json").write_text(json.dumps({"vectors": vectors, "images": images, "blends": blends,
                                                   "masked": masked}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
