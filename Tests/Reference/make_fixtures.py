#!/usr/bin/python3
"""Regenerate the SANet / AdaIN test fixtures with one command.

  /usr/bin/python3 Tests/Reference/make_fixtures.py [--out Tests/Reference/generated]

Writes (under --out, default Tests/Reference/generated):
  weights-zip/     seeded weights, official file names and shapes, torch.save (zip format)
  weights-legacy/  the same tensors, torch.save(..., _use_new_zipfile_serialization=False)
  expected/        golden 8-bit PNG outputs, one per case
  features/        float32 little-endian dumps of intermediate tensors for one case
  masks/           mask PNGs for the spatial-control cases, drawn here
  cases.json       the manifest the Swift tests read

The 8-bit RGB input PNGs live in Tests/Reference/inputs/ (committed; see README.md for
where they come from).

Everything is deterministic: fixed seeds, fixed inputs, 2 threads.
"""

import argparse
import json
import math
import os
import shutil
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import reference as R  # noqa: E402

INPUTS = HERE / "inputs"

SEED = 20190610
LOGIT_STD_TARGET = 2.5       # std of Q^T K in both attention modules (calibration pair)
OUTPUT_STD_TARGET = 0.17     # per-channel std of the decoder output (calibration pair)
OUTPUT_MEAN_TARGET = 0.5



def case(name, method, content, styles, style_weights=None, alpha=1.0,
         preserve_color=False, weights="weights-zip", masks=None):
    return {
        "name": name,
        "method": method,
        "weights": weights,
        "content": "inputs/" + content,
        "styles": ["inputs/" + s for s in styles],
        "style_weights": [float(w) for w in (style_weights or [1.0] * len(styles))],
        "alpha": float(alpha),
        "preserve_color": bool(preserve_color),
        "masks": masks,  # file names in --out's masks/; made relative paths by run_cases
        "expected": None,  # set from --out: generated/expected/<name>.png
    }


# Masks drawn by write_masks: complementary halves with a feathered seam (the right one at half
# the content's size, so it is resampled), and a soft ellipse in the alpha of an RGBA file
# whose colours are noise (so only the alpha may be read).
LEFT = "left_128x96.png"
RIGHT = "right_64x48.png"
ELLIPSE = "ellipse_rgba_64x64.png"


def write_masks(folder):
    folder.mkdir(parents=True, exist_ok=True)

    def seam(width, height):
        x = (np.arange(width, dtype=np.float64) + 0.5) / width
        ramp = np.clip((0.5 - x) / 0.2 + 0.5, 0, 1)
        return np.repeat(ramp[None, :], height, axis=0)

    Image.fromarray(np.uint8(np.round(255 * seam(128, 96))), mode="L").save(folder / LEFT)
    Image.fromarray(np.uint8(np.round(255 * (1 - seam(64, 48)))), mode="L").save(folder / RIGHT)
    y, x = np.mgrid[0:64, 0:64]
    r = np.hypot((x + 0.5 - 32) / 22, (y + 0.5 - 30) / 16)
    alpha = np.uint8(np.round(255 * np.clip((1.2 - r) / 0.4, 0, 1)))
    noise = np.random.default_rng(SEED).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    Image.fromarray(np.dstack([noise, alpha]), mode="RGBA").save(folder / ELLIPSE)


GG64 = "content_golden_gate_64x64.png"
CH75 = "content_chicago_75x50.png"
SP128 = "content_seaport_128x96.png"
STARRY = "style_starry_64x80.png"
WAVE = "style_wave_97x61.png"

CASES = [
    case("sanet_64x64", "sanet", GG64, [STARRY]),
    case("sanet_64x64_legacy", "sanet", GG64, [STARRY], weights="weights-legacy"),
    case("sanet_odd_75x50", "sanet", CH75, [WAVE]),
    case("sanet_two_styles_128x96", "sanet", SP128,
         ["style_composition_vii_96x96.png", "style_udnie_80x64.png"], [1, 3]),
    case("sanet_alpha_0.5", "sanet", GG64, [STARRY], alpha=0.5),
    case("sanet_alpha_0", "sanet", GG64, [STARRY], alpha=0.0),
    case("sanet_preserve_color_75x50", "sanet", CH75, ["style_wreck_80x56.png"],
         preserve_color=True),
    case("sanet_min_32x32", "sanet", "content_towers_32x32.png",
         ["style_composition_vii_33x41.png"]),
    case("sanet_256x256", "sanet", "content_golden_gate_256x256.png",
         ["style_udnie_256x256.png"]),
    case("adain_64x64", "adain", GG64, [STARRY]),
    case("adain_64x64_legacy", "adain", GG64, [STARRY], weights="weights-legacy"),
    case("adain_alpha_0.6_75x50", "adain", CH75, [WAVE], alpha=0.6),
    case("adain_two_styles_128x96", "adain", SP128,
         ["style_composition_vii_96x96.png", "style_wreck_80x56.png"], [2, 1]),
    case("adain_preserve_color_64x64", "adain", GG64, ["style_wreck_80x56.png"],
         preserve_color=True),
    case("sanet_masks_two_styles_128x96", "sanet", SP128,
         ["style_composition_vii_96x96.png", "style_udnie_80x64.png"], masks=[LEFT, RIGHT]),
    case("sanet_mask_alpha_0.6_64x64", "sanet", GG64, [STARRY], alpha=0.6, masks=[ELLIPSE]),
    case("adain_masks_weights_128x96", "adain", SP128,
         ["style_composition_vii_96x96.png", "style_wreck_80x56.png"], [2, 1], masks=[LEFT, RIGHT]),
    case("adain_mask_preserve_color_64x64", "adain", GG64, ["style_wreck_80x56.png"],
         preserve_color=True, masks=[ELLIPSE]),
]

FEATURE_CASE = "sanet_64x64"


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def input_tensor(rel):
    return R.load_image(str(HERE / rel))


# ---------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------

def he_init(conv, gen, gain=1.0, bias_std=0.01):
    """Normal weights with std gain * sqrt(2 / fan_in); small normal biases."""
    fan_in = conv.weight[0].numel()
    with torch.no_grad():
        conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen) * (gain * math.sqrt(2.0 / fan_in)))
        conv.bias.copy_(torch.randn(conv.bias.shape, generator=gen) * bias_std)


def init_networks():
    gen = torch.Generator().manual_seed(SEED)
    vgg = R.build_vgg()
    for m in vgg:
        if isinstance(m, torch.nn.Conv2d):
            he_init(m, gen)
    with torch.no_grad():
        # The 1x1 "normalisation" conv: a noisy 2x identity with bias -1, so the
        # first layer sees roughly zero-centred RGB like the real one.
        vgg[0].weight.copy_(2.0 * torch.eye(3).view(3, 3, 1, 1)
                            + 0.2 * torch.randn((3, 3, 1, 1), generator=gen))
        vgg[0].bias.fill_(-1.0)

    transformer = R.Transform(512)
    for sa in (transformer.sanet4_1, transformer.sanet5_1):
        he_init(sa.f, gen, gain=math.sqrt(0.5))   # rescaled by calibration below
        he_init(sa.g, gen, gain=math.sqrt(0.5))
        he_init(sa.h, gen)
        he_init(sa.out_conv, gen, gain=0.7)
    he_init(transformer.merge_conv, gen, gain=math.sqrt(0.5))

    sanet_decoder = R.build_decoder()
    adain_decoder = R.build_decoder()
    for dec in (sanet_decoder, adain_decoder):
        for m in dec:
            if isinstance(m, torch.nn.Conv2d):
                he_init(m, gen)
    return vgg, transformer, sanet_decoder, adain_decoder


CALIBRATION_PAIRS = [
    (GG64, STARRY),
    (CH75, WAVE),
    ("content_seaport_128x96.png", "style_udnie_80x64.png"),
]


def calibrate(vgg, transformer, sanet_decoder, adain_decoder):
    """Scale f/g so the logits have std LOGIT_STD_TARGET on the 64x64 pair, and the
    decoders' last conv so each output channel has mean OUTPUT_MEAN_TARGET and std
    OUTPUT_STD_TARGET over the calibration pairs."""
    pairs = [(input_tensor("inputs/" + c), input_tensor("inputs/" + s))
             for c, s in CALIBRATION_PAIRS]
    content, style = pairs[0]
    nets = R.Nets("sanet", vgg, sanet_decoder, transformer)
    with torch.no_grad():
        c4, c5 = nets.encode(content.unsqueeze(0))
        s4, s5 = nets.encode(style.unsqueeze(0))
        for sa, c, s in ((transformer.sanet4_1, c4, s4), (transformer.sanet5_1, c5, s5)):
            std = sa.logits(c, s).std().item()
            k = math.sqrt(LOGIT_STD_TARGET / std)
            for conv in (sa.f, sa.g):
                conv.weight.mul_(k)
                conv.bias.mul_(k)
        for method, dec in (("sanet", sanet_decoder), ("adain", adain_decoder)):
            last = dec[28]
            last.bias.zero_()
            n = R.Nets(method, vgg, dec, transformer if method == "sanet" else None)
            raw = torch.cat([R.stylize_debug(n, c, [s])["output_unclamped"].reshape(3, -1)
                             for c, s in pairs], dim=1)
            mean = raw.mean(dim=1)
            std = raw.std(dim=1)
            k = OUTPUT_STD_TARGET / std
            last.weight.mul_(k.view(3, 1, 1, 1))
            last.bias.copy_(OUTPUT_MEAN_TARGET - mean * k)


def state_dicts(vgg, transformer, sanet_decoder, adain_decoder):
    def clean(m):
        return {k: v.detach().clone().contiguous() for k, v in m.state_dict().items()}
    from collections import OrderedDict
    return {
        R.VGG_FILE: OrderedDict(clean(vgg)),
        R.TRANSFORMER_FILE: OrderedDict(clean(transformer)),
        R.SANET_DECODER_FILE: OrderedDict(clean(sanet_decoder)),
        R.ADAIN_DECODER_FILE: OrderedDict(clean(adain_decoder)),
    }


def write_weights(out, sds):
    for folder, legacy in (("weights-zip", False), ("weights-legacy", True)):
        d = out / folder
        d.mkdir(parents=True, exist_ok=True)
        for fname, sd in sds.items():
            p = d / fname
            if legacy:
                torch.save(sd, p, _use_new_zipfile_serialization=False)
            else:
                torch.save(sd, p)
            assert zipfile.is_zipfile(p) != legacy, p
        print("weights: %s/ (%s) %s" % (folder, "legacy" if legacy else "zip", ", ".join(
            "%s %.1f MB" % (f, (d / f).stat().st_size / 1e6) for f in sds)))


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

def rel(path):
    """A path relative to Tests/Reference, with forward slashes (manifest paths)."""
    return Path(os.path.relpath(Path(path).resolve(), HERE)).as_posix()


def output_stats(arr):
    flat = arr.reshape(-1, 3).astype(np.float64)
    clipped = ((arr == 0) | (arr == 255)).mean()
    return flat.mean(0), flat.std(0), clipped


def write_features(out, name, d, c):
    folder = out / "features" / name
    folder.mkdir(parents=True, exist_ok=True)
    tensors = [
        ("content_relu4_1", d["content_relu4_1"],
         "relu4_1 (vgg index 30) of the padded content"),
        ("content_relu5_1", d["content_relu5_1"],
         "relu5_1 (vgg index 43) of the padded content"),
        ("style_relu4_1", d["style_relu4_1"][0], "relu4_1 of the style image"),
        ("style_relu5_1", d["style_relu5_1"][0], "relu5_1 of the style image"),
        ("sanet4_1_logits", d["logits4"][0],
         "Q^T K of sanet4_1 before the softmax, (1, Nc, Ns), positions row-major"),
        ("sanet5_1_logits", d["logits5"][0], "Q^T K of sanet5_1 before the softmax"),
        ("sanet4_1_out", d["sa4"][0], "sanet4_1(c4, s4) = out_conv(O) + c4"),
        ("sanet5_1_out", d["sa5"][0], "sanet5_1(c5, s5) = out_conv(O) + c5"),
        ("transform", d["transforms"][0],
         "T(c, s) = merge_conv(pad(sanet4_1 + up2(sanet5_1))), the decoder input here"),
        ("decoder_output", d["raw"],
         "decoder output before clamping and cropping"),
    ]
    desc = {}
    for key, t, what in tensors:
        arr = t.detach().contiguous().numpy().astype("<f4")
        fname = "%s.bin" % key
        arr.tofile(folder / fname)
        desc[key] = {
            "file": rel(folder / fname),
            "shape": list(arr.shape),
            "dtype": "float32-le",
            "description": what,
        }
    with open(folder / "features.json", "w") as f:
        json.dump(desc, f, indent=2)
        f.write("\n")
    c["features"] = desc
    print("features: %d tensors in %s" % (len(desc), folder))


def run_cases(out):
    (out / "expected").mkdir(parents=True, exist_ok=True)
    nets_cache = {}
    manifest = []
    print("%-28s %-9s %-26s %-22s %s" % ("case", "size", "mean RGB", "std RGB", "clipped"))
    for c in CASES:
        key = (c["weights"], c["method"])
        if key not in nets_cache:
            nets_cache[key] = R.load_nets(str(out / c["weights"]), c["method"])
        nets = nets_cache[key]
        c["expected"] = rel(out / "expected" / ("%s.png" % c["name"]))
        content = input_tensor(c["content"])
        styles = [input_tensor(s) for s in c["styles"]]
        size = (content.shape[2], content.shape[1])
        if c["masks"]:
            c["masks"] = [rel(out / "masks" / m) for m in c["masks"]]
        masks = [R.load_mask(str(HERE / m), size) for m in c["masks"]] if c["masks"] else None
        d = R.stylize_debug(nets, content, styles, c["style_weights"], c["alpha"],
                            c["preserve_color"], masks)
        assert d["output"].shape == content.shape
        arr = R.to_uint8(d["output"])
        R.save_png(arr, str(HERE / c["expected"]))
        mean, std, clipped = output_stats(arr)
        print("%-28s %-9s %-26s %-22s %.4f" % (
            c["name"], "%dx%d" % (arr.shape[1], arr.shape[0]),
            np.round(mean, 1).tolist(), np.round(std, 1).tolist(), clipped))
        assert (std > 15).all(), "degenerate output (channel std %s) in %s" % (std, c["name"])
        assert clipped < 0.10, "too much clipping (%.3f) in %s" % (clipped, c["name"])

        if c["method"] == "sanet" and c["alpha"] == 0.0:
            # Must be exactly decode(T(c, c)).
            with torch.no_grad():
                cp = d["content_padded"]
                c4, c5 = nets.encode(cp)
                ref = nets.decoder(nets.transformer(c4, c4, c5, c5))
            ref = ref[0, :, :content.shape[1], :content.shape[2]].clamp(0, 1)
            assert torch.equal(ref, d["output"]), c["name"]
        if c["method"] == "sanet" and not c["preserve_color"]:
            for l4, l5 in zip(d["logits4"], d["logits5"]):
                print("    logit std: sanet4_1 %.3f, sanet5_1 %.3f" % (l4.std().item(), l5.std().item()))
        if c["name"] == FEATURE_CASE:
            write_features(out, c["name"], d, c)
        manifest.append(c)
    return manifest, nets_cache


def check_legacy_equivalence(out, nets_cache):
    for method in ("sanet", "adain"):
        a = nets_cache[("weights-zip", method)]
        b = nets_cache[("weights-legacy", method)]
        for ma, mb in ((a.vgg, b.vgg), (a.decoder, b.decoder), (a.transformer, b.transformer)):
            if ma is None:
                continue
            sa, sb = ma.state_dict(), mb.state_dict()
            assert sa.keys() == sb.keys()
            assert all(torch.equal(sa[k], sb[k]) for k in sa)
    for fname in (R.VGG_FILE, R.TRANSFORMER_FILE, R.SANET_DECODER_FILE, R.ADAIN_DECODER_FILE):
        p = out / "weights-legacy" / fname
        assert not zipfile.is_zipfile(p), p
        with open(p, "rb") as f:
            head = f.read(2)
        assert head[0] == 0x80, "legacy file %s does not start with a pickle" % p
    for a, b in (("sanet_64x64", "sanet_64x64_legacy"), ("adain_64x64", "adain_64x64_legacy")):
        pa = np.asarray(Image.open(out / "expected" / ("%s.png" % a)))
        pb = np.asarray(Image.open(out / "expected" / ("%s.png" % b)))
        assert np.array_equal(pa, pb), (a, b)
    print("legacy: not zip, pickle header, identical tensors and outputs")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=str(HERE / "generated"))
    args = p.parse_args(argv)
    out = Path(args.out).resolve()

    t0 = time.time()
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    for c in CASES:
        for rel in [c["content"]] + c["styles"]:
            assert (HERE / rel).is_file(), rel
            with Image.open(HERE / rel) as im:
                assert im.mode == "RGB", rel
        with Image.open(HERE / c["content"]) as im:
            assert min(im.size) >= 32, c["content"]

    for sub in ("expected", "features", "masks"):
        shutil.rmtree(out / sub, ignore_errors=True)
    write_masks(out / "masks")
    nets = init_networks()
    calibrate(*nets)
    write_weights(out, state_dicts(*nets))
    del nets

    manifest, nets_cache = run_cases(out)
    check_legacy_equivalence(out, nets_cache)
    with open(out / "cases.json", "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print("manifest: %s (%d cases)" % (out / "cases.json", len(manifest)))
    print("done in %.1f s" % (time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
