#!/usr/bin/python3
"""Exports the PyTorch reference graph (Tests/Reference/reference.py) to ONNX with fixed shapes:
inputs content (1x3xSxS) and style (1x3xS'xS'), output the decoded image (1x3xSxS), for SANet
or AdaIN, the same computation that `sanet bench` and `reference.py bench` time.

Needs Debian's /usr/bin/python3 with python3-torch (the reference's environment).
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Reference"))
import reference  # noqa: E402


class Stylize(torch.nn.Module):
    """content, style -> decoder(transform or AdaIN), alpha 1, one style: what bench times."""

    def __init__(self, nets):
        super().__init__()
        self.vgg, self.decoder, self.transformer = nets.vgg, nets.decoder, nets.transformer
        self.enc_4, self.enc_5, self.method = nets.enc_4, nets.enc_5, nets.method

    def forward(self, content, style):
        c4, s4 = self.enc_4(content), self.enc_4(style)
        if self.method == "sanet":
            feature = self.transformer(c4, s4, self.enc_5(c4), self.enc_5(s4))
        else:
            feature = reference.adaptive_instance_normalization(c4, s4)
        return self.decoder(feature)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--style-size", type=int, required=True)
    parser.add_argument("--method", default="sanet")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    if args.size % 16:
        sys.exit("--size must be a multiple of 16 (no padding in the exported graph)")
    model = Stylize(reference.load_nets(args.weights, args.method)).eval()
    content = torch.rand(1, 3, args.size, args.size)
    style = torch.rand(1, 3, args.style_size, args.style_size)
    with torch.no_grad():
        torch.onnx.export(model, (content, style), args.output, opset_version=13,
                          input_names=["content", "style"], output_names=["image"])
    print("wrote %s" % args.output)


if __name__ == "__main__":
    main()
