"""Times the exported graph in onnxruntime on random inputs, one line per pass, like the other benches.

With --magenta DIR, a pass is Magenta's two files from DIR: the style predictor on a 256 x 256
style (every style is squashed to that size), then the transformer on the content, its input
made any-sized (the file fixes 384 x 384, the export's shape).
"""

import argparse
import os
import time

import numpy as np
import onnx
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    graph = parser.add_mutually_exclusive_group(required=True)
    graph.add_argument("--model", help="the exported SANet or AdaIN graph (inputs content, style)")
    graph.add_argument("--magenta", metavar="DIR", help="folder with arbitrary_predict.onnx and arbitrary_transform.onnx")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--style-size", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    # onnxruntime's memory arena is still growing in its second run (measured 3.8 s against a
    # steady 2.3 s for SANet at 512 px), so two untimed runs, where the other engines need one.
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    rng = np.random.default_rng(0)
    if args.magenta:
        predictor = ort.InferenceSession(os.path.join(args.magenta, "arbitrary_predict.onnx"), options,
                                         providers=["CPUExecutionProvider"])
        transform = onnx.load(os.path.join(args.magenta, "arbitrary_transform.onnx"))
        for axis, name in ((1, "height"), (2, "width")):
            transform.graph.input[0].type.tensor_type.shape.dim[axis].dim_param = name
        transform = ort.InferenceSession(transform.SerializeToString(), options, providers=["CPUExecutionProvider"])
        content, vector = (i.name for i in transform.get_inputs())
        style = rng.random((1, 256, 256, 3), dtype=np.float32)
        image = rng.random((1, args.size, args.size, 3), dtype=np.float32)

        def run():
            transform.run(None, {content: image, vector: predictor.run(None, {"style_image": style})[0]})
    else:
        session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
        feed = {"content": rng.random((1, 3, args.size, args.size), dtype=np.float32),
                "style": rng.random((1, 3, args.style_size, args.style_size), dtype=np.float32)}

        def run():
            session.run(None, feed)
    print("onnxruntime=%s threads=%d" % (ort.__version__, args.threads))
    for _ in range(args.warmup):
        run()
    for rep in range(args.reps):
        start = time.perf_counter()
        run()
        print("rep %d: %.4f s" % (rep + 1, time.perf_counter() - start), flush=True)


if __name__ == "__main__":
    main()
