"""Times the exported graph in onnxruntime on random inputs, one line per pass, like the other benches."""

import argparse
import time

import numpy as np
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--style-size", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feed = {"content": rng.random((1, 3, args.size, args.size), dtype=np.float32),
            "style": rng.random((1, 3, args.style_size, args.style_size), dtype=np.float32)}
    print("onnxruntime=%s threads=%d" % (ort.__version__, args.threads))
    for _ in range(args.warmup):
        session.run(None, feed)
    for rep in range(args.reps):
        start = time.perf_counter()
        session.run(None, feed)
        print("rep %d: %.4f s" % (rep + 1, time.perf_counter() - start), flush=True)


if __name__ == "__main__":
    main()
