#!/usr/bin/python3
"""Side-by-side benchmark: `sanet bench` (style encoded every pass, already cached, and with only
its AVX2 code, SANET_ISA=avx2, as on a processor without AVX-512), the
PyTorch reference (Tests/Reference/reference.py bench) and onnxruntime running the reference
graph exported to ONNX, on the same weights, sizes and thread counts; for Magenta, onnxruntime
running the two ONNX files themselves (style predictor at 256 px, then the transformer at the
content size) and no PyTorch; and OpenVINO (PyPI's `openvino`) on the same graphs, at its default
precision (bf16 on processors with BF16) and at f32. The engines take turns,
round after round, so that a change in the machine's load hits them alike. Prints each
engine's median seconds per pass, its peak RSS, and its ratio to onnxruntime, to OpenVINO at its
default precision, and to PyTorch.

  Benchmarks/compare.py --weights Tests/Reference/generated/weights-zip --size 512 --threads 2
  Benchmarks/compare.py --weights weights --method magenta --size 384 --engines sanet,sanet-cached,onnxruntime

The first run builds the release `sanet`, makes a virtualenv (Benchmarks/.venv, over Debian's
python3 and its torch) with onnxruntime (and openvino, when asked for) from PyPI, and exports the
graph (Benchmarks/.onnx/).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SYSTEM_PYTHON = "/usr/bin/python3"
VENV = os.path.join(HERE, ".venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
SANET = os.path.join(ROOT, ".build", "release", "sanet")
REFERENCE = os.path.join(ROOT, "Tests", "Reference", "reference.py")
ENGINES = ["sanet", "sanet-cached", "sanet-avx2", "pytorch", "onnxruntime", "openvino", "openvino-f32"]


def prepare(args):
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "sanet"], cwd=ROOT, check=True)
    packages = {"onnxruntime": ["onnxruntime", "onnx"], "openvino": ["openvino"], "openvino-f32": ["openvino"]}
    wanted = sorted({p for engine in args.engines for p in packages.get(engine, [])})
    if not wanted:
        return None
    if not os.path.exists(VENV_PYTHON):
        subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--system-site-packages", VENV], check=True)
    if subprocess.run([VENV_PYTHON, "-c", "import " + ", ".join(wanted)], capture_output=True).returncode != 0:
        subprocess.run([VENV_PYTHON, "-m", "pip", "install", "--quiet"] + wanted, check=True)
    if args.method == "magenta":
        return None
    model = os.path.join(HERE, ".onnx", "%s-%d-%d-%s.onnx" % (
        args.method, args.size, args.style_size, os.path.basename(os.path.normpath(args.weights))))
    if not os.path.exists(model):
        os.makedirs(os.path.dirname(model), exist_ok=True)
        subprocess.run([SYSTEM_PYTHON, os.path.join(HERE, "export_onnx.py"), "--weights", args.weights,
                        "--size", str(args.size), "--style-size", str(args.style_size),
                        "--method", args.method, "--output", model], check=True)
    return model


def command(engine, args, model):
    sizes = ["--size", str(args.size), "--style-size", str(args.style_size)]
    common = sizes + ["--threads", str(args.threads), "--reps", str(args.reps)]
    if engine.startswith("sanet"):
        extra = ["--cached-style"] if engine == "sanet-cached" else []
        limit = ["/usr/bin/env", "SANET_ISA=avx2"] if engine == "sanet-avx2" else []
        return limit + [SANET, "bench", "--weights", args.weights, "--method", args.method] + common + extra
    if engine == "pytorch":
        return [SYSTEM_PYTHON, REFERENCE, "bench", "--weights", args.weights, "--method", args.method] + common
    graph = ["--magenta", args.weights] if args.method == "magenta" else ["--model", model]
    if engine.startswith("openvino"):
        precision = ["--precision", "f32"] if engine == "openvino-f32" else []
        return [VENV_PYTHON, os.path.join(HERE, "openvino_bench.py")] + graph + common + precision
    return [VENV_PYTHON, os.path.join(HERE, "ort_bench.py")] + graph + common


class EngineFailed(Exception):
    """An engine that could not run this graph (OpenVINO's bf16 on an int8 file, say): reported in
    the table, so that the others' figures are kept."""


def run(cmd):
    """The seconds of every pass the command printed, its peak RSS in MiB, and what the runtime
    said it ran (version, threads, precision), if anything."""
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        lines = output.strip().splitlines()
        raise EngineFailed("exit %d: %s" % (process.returncode, lines[-1] if lines else "no output"))
    seconds = [float(x) for x in re.findall(r"^rep[ =]\d+(?::| seconds=)\s*([\d.]+)", output, re.M)]
    runtime = re.search(r"^(?:onnxruntime|openvino|kernels)=.*$", output, re.M)
    return seconds, usage.ru_maxrss / 1024.0, runtime.group(0) if runtime else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", required=True, help="folder with the checkpoints")
    parser.add_argument("--size", type=int, default=512, help="content side")
    parser.add_argument("--style-size", type=int, default=None, help="style side (default: --size)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="turns each engine takes")
    parser.add_argument("--reps", type=int, default=2, help="timed passes per turn")
    parser.add_argument("--method", default="sanet", choices=["sanet", "adain", "magenta"])
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma separated, of " + ", ".join(ENGINES))
    parser.add_argument("--no-build", action="store_true", help="use the release sanet as it is")
    args = parser.parse_args()
    args.style_size = args.style_size or args.size
    args.weights = os.path.abspath(args.weights)
    args.engines = [e for e in args.engines.split(",") if e]
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        sys.exit("unknown engines: %s" % ", ".join(sorted(unknown)))
    if args.method == "magenta" and "pytorch" in args.engines:
        sys.exit("the PyTorch reference has no Magenta graph: pass --engines sanet,sanet-cached,onnxruntime")

    model = prepare(args)
    seconds = {e: [] for e in args.engines}
    rss = {e: 0.0 for e in args.engines}
    failed = {}
    for round_index in range(args.rounds):
        for engine in args.engines:
            if engine in failed:
                continue
            try:
                times, peak, runtime = run(command(engine, args, model))
            except EngineFailed as failure:
                failed[engine] = str(failure)
                print("round %d %-12s failed, %s" % (round_index + 1, engine, failure), flush=True)
                continue
            seconds[engine] += times
            rss[engine] = max(rss[engine], peak)
            print("round %d %-12s %s  rss %.0f MiB  %s" % (
                round_index + 1, engine, " ".join("%.3f" % t for t in times), peak, runtime), flush=True)

    medians = {e: statistics.median(seconds[e]) for e in args.engines if e not in failed}
    print()
    print("%s, content %d px, style %d px, %d threads, %d passes each" % (
        args.method, args.size, args.style_size, args.threads, args.rounds * args.reps))
    print("%-14s %10s %14s %12s %12s %12s" % ("engine", "median_s", "peak_rss_mib", "vs_onnxrt", "vs_openvino",
                                              "vs_pytorch"))
    for engine in args.engines:
        if engine in failed:
            print("%-14s failed: %s" % (engine, failed[engine]))
            continue

        def ratio(other):
            return "%.3f" % (medians[engine] / medians[other]) if other in medians else "-"
        print("%-14s %10.3f %14.0f %12s %12s %12s" % (
            engine, medians[engine], rss[engine], ratio("onnxruntime"), ratio("openvino"), ratio("pytorch")))


if __name__ == "__main__":
    main()
