"""How far bf16 inference lands from the PyTorch goldens, measured on OpenVINO's CPU plugin.

Each golden case of Tests/Reference with one style, alpha 1, no masks and no colour preservation
(SANet and AdaIN) is exported at its own shapes (export_onnx.py's graph), run at bf16 and at f32
(INFERENCE_PRECISION_HINT), and its output compared with the golden PNG: the largest error, the
largest mean absolute error of one channel, the largest shift of one channel's mean, and PSNR. The
last column says whether the bound a bf16 mode would have to meet holds (every channel's mean
absolute error <= 1.5/255 and PSNR >= 40 dB). A measuring tool, not a test.

    Benchmarks/.venv/bin/python Benchmarks/bf16_accuracy.py

Benchmarks/.venv is the environment compare.py makes with `--engines openvino`; the graphs are
exported by Debian's /usr/bin/python3 and its python3-torch (the reference's environment), which
this script runs on itself with --export. bf16 needs a processor with AVX512-BF16 or AMX, else
OpenVINO runs f32.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "Tests", "Reference")
SYSTEM_PYTHON = "/usr/bin/python3"


def cases():
    def plain(case):
        return (case["method"] in ("sanet", "adain") and len(case["styles"]) == 1 and not case.get("masks")
                and case["alpha"] == 1.0 and not case["preserve_color"])
    return [case for case in json.load(open(os.path.join(REFERENCE, "generated", "cases.json"))) if plain(case)]


def pixels(path):
    """An image file as 1 x 3 x H x W float32 in [0, 1]."""
    values = np.asarray(Image.open(os.path.join(REFERENCE, path)).convert("RGB"), dtype=np.float32) / 255
    return values.transpose(2, 0, 1)[None].copy()


def export(name, folder):
    """In the reference's environment: the case's graph at its shapes, and its padded inputs."""
    import torch
    sys.path.insert(0, REFERENCE)
    sys.path.insert(0, HERE)
    import reference
    from export_onnx import Stylize
    case = next(case for case in cases() if case["name"] == name)
    content = reference.pad_to_multiple(torch.tensor(pixels(case["content"])), reference.PAD_MULTIPLE[case["method"]])
    style = torch.tensor(pixels(case["styles"][0]))
    nets = reference.load_nets(os.path.join(REFERENCE, "generated", case["weights"]), case["method"])
    with torch.no_grad():
        torch.onnx.export(Stylize(nets).eval(), (content, style), os.path.join(folder, name + ".onnx"), opset_version=13,
                          input_names=["content", "style"], output_names=["image"])
    np.save(os.path.join(folder, name + "-content.npy"), content.numpy())
    np.save(os.path.join(folder, name + "-style.npy"), style.numpy())


def main():
    import openvino as ov
    core = ov.Core()
    print("%-20s %-10s %8s %14s %14s %8s  %s" % ("case", "precision", "max", "channel |err|", "channel shift",
                                                 "PSNR", "bf16 bound"))
    with tempfile.TemporaryDirectory() as folder:
        for case in cases():
            name = case["name"]
            subprocess.run([SYSTEM_PYTHON, os.path.abspath(__file__), "--export", name, folder], check=True,
                           capture_output=True)
            feed = [np.load(os.path.join(folder, name + "-content.npy")), np.load(os.path.join(folder, name + "-style.npy"))]
            golden = np.asarray(Image.open(os.path.join(REFERENCE, case["expected"])).convert("RGB"), dtype=np.float64)
            height, width = golden.shape[:2]
            for precision in ("bf16", "f32"):
                network = core.compile_model(core.read_model(os.path.join(folder, name + ".onnx")), "CPU", {
                    "INFERENCE_NUM_THREADS": 2, "INFERENCE_PRECISION_HINT": precision})
                ran = network.get_property("INFERENCE_PRECISION_HINT").to_string()
                raw = network(feed)[0][0, :, :height, :width]
                output = np.round(np.clip(raw, 0, 1) * 255).transpose(1, 2, 0).astype(np.float64)
                error = (output - golden).reshape(-1, 3)
                mse = (error ** 2).mean()
                psnr = 10 * np.log10(255 ** 2 / mse) if mse > 0 else float("inf")
                channel_error = np.abs(error).mean(0).max()
                holds = channel_error <= 1.5 and psnr >= 40
                print("%-20s %-10s %6.0f/255 %10.2f/255 %10.2f/255 %5.1f dB  %s" % (
                    name, ran, np.abs(error).max(), channel_error, np.abs(error.mean(0)).max(), psnr,
                    "holds" if holds else "fails"))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--export":
        export(sys.argv[2], sys.argv[3])
    else:
        main()
