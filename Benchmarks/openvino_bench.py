"""Times a graph in OpenVINO's CPU plugin on random inputs, one line per pass, like the other benches.

The graph is the exported SANet or AdaIN one (--model), or Magenta's two files (--magenta DIR:
the style predictor on a 256 x 256 style, then the transformer with its content input reshaped
to the content size). OpenVINO runs at its default precision (bf16 on processors with BF16,
else f32) unless --precision f32 asks for f32; the first line says which one it ran.
"""

import argparse
import os
import time

import numpy as np
import openvino as ov


def compiled(core, model, args):
    config = {"INFERENCE_NUM_THREADS": args.threads, "PERFORMANCE_HINT": "LATENCY"}
    if args.precision == "f32":
        config["INFERENCE_PRECISION_HINT"] = "f32"
    return core.compile_model(model, "CPU", config)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    graph = parser.add_mutually_exclusive_group(required=True)
    graph.add_argument("--model", help="the exported SANet or AdaIN graph (inputs content, style)")
    graph.add_argument("--magenta", metavar="DIR", help="folder with arbitrary_predict.onnx and arbitrary_transform.onnx")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--style-size", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--precision", choices=["default", "f32"], default="default")
    args = parser.parse_args()
    core = ov.Core()
    rng = np.random.default_rng(0)
    if args.magenta:
        predictor = compiled(core, core.read_model(os.path.join(args.magenta, "arbitrary_predict.onnx")), args)
        transform = core.read_model(os.path.join(args.magenta, "arbitrary_transform.onnx"))
        content, vector = transform.inputs
        transform.reshape({content.get_any_name(): [1, args.size, args.size, 3],
                           vector.get_any_name(): list(vector.get_partial_shape().to_shape())})
        transform = compiled(core, transform, args)
        style = rng.random((1, 256, 256, 3), dtype=np.float32)
        image = rng.random((1, args.size, args.size, 3), dtype=np.float32)
        shown = transform

        def run():
            transform([image, predictor([style])[0]])
    else:
        session = compiled(core, core.read_model(args.model), args)
        feed = [rng.random((1, 3, args.size, args.size), dtype=np.float32),
                rng.random((1, 3, args.style_size, args.style_size), dtype=np.float32)]
        shown = session

        def run():
            session(feed)
    print("openvino=%s threads=%d precision=%s" % (
        ov.__version__.split("-")[0], args.threads, shown.get_property("INFERENCE_PRECISION_HINT").to_string()))
    for _ in range(args.warmup):
        run()
    for rep in range(args.reps):
        start = time.perf_counter()
        run()
        print("rep %d: %.4f s" % (rep + 1, time.perf_counter() - start), flush=True)


if __name__ == "__main__":
    main()
