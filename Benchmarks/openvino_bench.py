"""Times a graph in OpenVINO's CPU plugin on random inputs, one line per pass, like the other benches.

The graph is the exported SANet or AdaIN one (--model), or Magenta's two files (--magenta DIR:
the style predictor on a 256 x 256 style, then the transformer with its content input reshaped
to the content size). OpenVINO runs at its default precision (bf16 on processors with BF16,
else f32) unless --precision f32 asks for f32; the first line says which one it ran.
"""

import os

import openvino as ov

from graph_bench import arguments, inputs, time_passes


def compiled(core, model, args):
    config = {"INFERENCE_NUM_THREADS": args.threads, "PERFORMANCE_HINT": "LATENCY"}
    if args.precision == "f32":
        config["INFERENCE_PRECISION_HINT"] = "f32"
    return core.compile_model(model, "CPU", config)


def main():
    parser = arguments(__doc__, warmup=3)
    parser.add_argument("--precision", choices=["default", "f32"], default="default")
    args = parser.parse_args()
    core = ov.Core()
    if args.magenta:
        predictor = compiled(core, core.read_model(os.path.join(args.magenta, "arbitrary_predict.onnx")), args)
        transform = core.read_model(os.path.join(args.magenta, "arbitrary_transform.onnx"))
        content, vector = transform.inputs
        transform.reshape({content.get_any_name(): [1, args.size, args.size, 3],
                           vector.get_any_name(): list(vector.get_partial_shape().to_shape())})
        network = transform = compiled(core, transform, args)
        style, image = inputs(args)

        def run():
            transform([image, predictor([style])[0]])
    else:
        network = compiled(core, core.read_model(args.model), args)
        feed = list(inputs(args))

        def run():
            network(feed)
    print("openvino=%s threads=%d precision=%s" % (
        ov.__version__.split("-")[0], args.threads, network.get_property("INFERENCE_PRECISION_HINT").to_string()))
    time_passes(run, args)


if __name__ == "__main__":
    main()
