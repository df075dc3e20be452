"""Times the exported graph in onnxruntime on random inputs, one line per pass, like the other benches.

With --magenta DIR, a pass is Magenta's two files from DIR: the style predictor on a 256 x 256
style (every style is squashed to that size), then the transformer on the content, its input
made any-sized (the file fixes 384 x 384, the export's shape).
"""

import os

import onnx
import onnxruntime as ort

from graph_bench import arguments, inputs, time_passes


def main():
    # onnxruntime's memory arena is still growing in its second run (measured 3.8 s against a
    # steady 2.3 s for SANet at 512 px), so two untimed runs, where the other engines need one.
    args = arguments(__doc__, warmup=2).parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if args.magenta:
        predictor = ort.InferenceSession(os.path.join(args.magenta, "arbitrary_predict.onnx"), options,
                                         providers=["CPUExecutionProvider"])
        transform = onnx.load(os.path.join(args.magenta, "arbitrary_transform.onnx"))
        for axis, name in ((1, "height"), (2, "width")):
            transform.graph.input[0].type.tensor_type.shape.dim[axis].dim_param = name
        transform = ort.InferenceSession(transform.SerializeToString(), options, providers=["CPUExecutionProvider"])
        content, vector = (i.name for i in transform.get_inputs())
        style, image = inputs(args)

        def run():
            transform.run(None, {content: image, vector: predictor.run(None, {"style_image": style})[0]})
    else:
        session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
        content, style = inputs(args)

        def run():
            session.run(None, {"content": content, "style": style})
    print("onnxruntime=%s threads=%d" % (ort.__version__, args.threads))
    time_passes(run, args)


if __name__ == "__main__":
    main()
