"""What the runtime benches (ort_bench.py, openvino_bench.py) share: their arguments, their
random inputs and their timing loop, so that the runtimes are timed alike."""

import argparse
import time

import numpy as np


def arguments(description, warmup):
    """The arguments every runtime bench takes; `warmup` is its default count of untimed passes."""
    parser = argparse.ArgumentParser(description=description)
    graph = parser.add_mutually_exclusive_group(required=True)
    graph.add_argument("--model", help="the exported SANet or AdaIN graph (inputs content, style)")
    graph.add_argument("--magenta", metavar="DIR", help="folder with arbitrary_predict.onnx and arbitrary_transform.onnx")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--style-size", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=warmup)
    return parser


def inputs(args):
    """Random inputs: (style 256 x 256, content) in NHWC for Magenta, (content, style) in NCHW otherwise."""
    rng = np.random.default_rng(0)
    if args.magenta:
        return (rng.random((1, 256, 256, 3), dtype=np.float32),
                rng.random((1, args.size, args.size, 3), dtype=np.float32))
    return (rng.random((1, 3, args.size, args.size), dtype=np.float32),
            rng.random((1, 3, args.style_size, args.style_size), dtype=np.float32))


def time_passes(run, args):
    """`args.warmup` untimed passes, then one line per timed pass, as compare.py reads them."""
    for _ in range(args.warmup):
        run()
    for rep in range(args.reps):
        start = time.perf_counter()
        run()
        print("rep %d: %.4f s" % (rep + 1, time.perf_counter() - start), flush=True)
