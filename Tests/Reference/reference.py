#!/usr/bin/python3
"""PyTorch reference for SANet and AdaIN style transfer.

An independent implementation of the inference graph described in
docs/MODEL.md (the checkpoint keys and shapes are in docs/CHECKPOINTS.md),
written with torch.nn modules laid out exactly like the public SANET
(GlebSBrykin/SANET) and pytorch-AdaIN (naoto0804/pytorch-AdaIN) code, so that
the official checkpoint files load with strict=True.

Importable module and command line:

  reference.py stylize --weights DIR --content F --style F [--style F ...]
               [--mask F ...] [--style-weights 1,3] [--alpha A] [--preserve-color]
               [--method sanet|adain] --output OUT.png
  reference.py bench --weights DIR --size N [--style-size N] [--reps R]
               [--threads T] [--method sanet|adain] [--peak-rss]

Images are float32 CHW tensors with values in [0, 1]. Nothing is resized but
masks, which are resampled to the content's size when theirs differs.
"""

import argparse
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

EPS = 1e-5

VGG_FILE = "vgg_normalised.pth"
SANET_DECODER_FILE = "decoder_iter_500000.pth"
TRANSFORMER_FILE = "transformer_iter_500000.pth"
ADAIN_DECODER_FILE = "decoder.pth"

# Content padding multiple per method: SANet needs relu5_1 (H/16) to upsample
# onto relu4_1 (H/8); AdaIN only needs relu4_1 (H/8) to decode back to H.
PAD_MULTIPLE = {"sanet": 16, "adain": 8}

# Layer indices inside the VGG Sequential.
RELU4_1_END = 31  # vgg[:31] ends with index 30 = relu4_1
RELU5_1_END = 44  # vgg[31:44] ends with index 43 = relu5_1


# ---------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------

def _pad():
    return nn.ReflectionPad2d((1, 1, 1, 1))


def _pool():
    return nn.MaxPool2d((2, 2), (2, 2), (0, 0), ceil_mode=True)


def build_vgg():
    """The normalised VGG-19 of pytorch-AdaIN / SANET (53 modules, 0..52)."""
    return nn.Sequential(
        nn.Conv2d(3, 3, (1, 1)),      # 0  normalisation
        _pad(),                       # 1
        nn.Conv2d(3, 64, (3, 3)),     # 2
        nn.ReLU(),                    # 3  relu1_1
        _pad(),                       # 4
        nn.Conv2d(64, 64, (3, 3)),    # 5
        nn.ReLU(),                    # 6  relu1_2
        _pool(),                      # 7
        _pad(),                       # 8
        nn.Conv2d(64, 128, (3, 3)),   # 9
        nn.ReLU(),                    # 10 relu2_1
        _pad(),                       # 11
        nn.Conv2d(128, 128, (3, 3)),  # 12
        nn.ReLU(),                    # 13 relu2_2
        _pool(),                      # 14
        _pad(),                       # 15
        nn.Conv2d(128, 256, (3, 3)),  # 16
        nn.ReLU(),                    # 17 relu3_1
        _pad(),                       # 18
        nn.Conv2d(256, 256, (3, 3)),  # 19
        nn.ReLU(),                    # 20 relu3_2
        _pad(),                       # 21
        nn.Conv2d(256, 256, (3, 3)),  # 22
        nn.ReLU(),                    # 23 relu3_3
        _pad(),                       # 24
        nn.Conv2d(256, 256, (3, 3)),  # 25
        nn.ReLU(),                    # 26 relu3_4
        _pool(),                      # 27
        _pad(),                       # 28
        nn.Conv2d(256, 512, (3, 3)),  # 29
        nn.ReLU(),                    # 30 relu4_1
        _pad(),                       # 31
        nn.Conv2d(512, 512, (3, 3)),  # 32
        nn.ReLU(),                    # 33 relu4_2
        _pad(),                       # 34
        nn.Conv2d(512, 512, (3, 3)),  # 35
        nn.ReLU(),                    # 36 relu4_3
        _pad(),                       # 37
        nn.Conv2d(512, 512, (3, 3)),  # 38
        nn.ReLU(),                    # 39 relu4_4
        _pool(),                      # 40
        _pad(),                       # 41
        nn.Conv2d(512, 512, (3, 3)),  # 42
        nn.ReLU(),                    # 43 relu5_1
        _pad(),                       # 44
        nn.Conv2d(512, 512, (3, 3)),  # 45 (unused)
        nn.ReLU(),                    # 46
        _pad(),                       # 47
        nn.Conv2d(512, 512, (3, 3)),  # 48 (unused)
        nn.ReLU(),                    # 49
        _pad(),                       # 50
        nn.Conv2d(512, 512, (3, 3)),  # 51 (unused)
        nn.ReLU(),                    # 52
    )


def build_decoder():
    """The decoder of SANET and pytorch-AdaIN (same layout, 29 modules)."""
    return nn.Sequential(
        _pad(),                                       # 0
        nn.Conv2d(512, 256, (3, 3)),                  # 1
        nn.ReLU(),                                    # 2
        nn.Upsample(scale_factor=2, mode="nearest"),  # 3
        _pad(),                                       # 4
        nn.Conv2d(256, 256, (3, 3)),                  # 5
        nn.ReLU(),                                    # 6
        _pad(),                                       # 7
        nn.Conv2d(256, 256, (3, 3)),                  # 8
        nn.ReLU(),                                    # 9
        _pad(),                                       # 10
        nn.Conv2d(256, 256, (3, 3)),                  # 11
        nn.ReLU(),                                    # 12
        _pad(),                                       # 13
        nn.Conv2d(256, 128, (3, 3)),                  # 14
        nn.ReLU(),                                    # 15
        nn.Upsample(scale_factor=2, mode="nearest"),  # 16
        _pad(),                                       # 17
        nn.Conv2d(128, 128, (3, 3)),                  # 18
        nn.ReLU(),                                    # 19
        _pad(),                                       # 20
        nn.Conv2d(128, 64, (3, 3)),                   # 21
        nn.ReLU(),                                    # 22
        nn.Upsample(scale_factor=2, mode="nearest"),  # 23
        _pad(),                                       # 24
        nn.Conv2d(64, 64, (3, 3)),                    # 25
        nn.ReLU(),                                    # 26
        _pad(),                                       # 27
        nn.Conv2d(64, 3, (3, 3)),                     # 28
    )


def calc_mean_std(feat, eps=EPS):
    """Per-channel mean and std over positions (unbiased variance + eps)."""
    size = feat.size()
    assert len(size) == 4
    n, c = size[:2]
    feat_var = feat.view(n, c, -1).var(dim=2) + eps
    feat_std = feat_var.sqrt().view(n, c, 1, 1)
    feat_mean = feat.view(n, c, -1).mean(dim=2).view(n, c, 1, 1)
    return feat_mean, feat_std


def mean_variance_norm(feat):
    size = feat.size()
    mean, std = calc_mean_std(feat)
    return (feat - mean.expand(size)) / std.expand(size)


def adaptive_instance_normalization(content_feat, style_feat):
    assert content_feat.size()[:2] == style_feat.size()[:2]
    size = content_feat.size()
    style_mean, style_std = calc_mean_std(style_feat)
    content_mean, content_std = calc_mean_std(content_feat)
    normalized = (content_feat - content_mean.expand(size)) / content_std.expand(size)
    return normalized * style_std.expand(size) + style_mean.expand(size)


class SANet(nn.Module):
    """One style-attention module (keys f, g, h, out_conv)."""

    def __init__(self, in_planes=512):
        super().__init__()
        self.f = nn.Conv2d(in_planes, in_planes, (1, 1))
        self.g = nn.Conv2d(in_planes, in_planes, (1, 1))
        self.h = nn.Conv2d(in_planes, in_planes, (1, 1))
        self.sm = nn.Softmax(dim=-1)
        self.out_conv = nn.Conv2d(in_planes, in_planes, (1, 1))

    def logits(self, content, style):
        """Q^T K, shape (b, Nc, Ns)."""
        q = self.f(mean_variance_norm(content))
        k = self.g(mean_variance_norm(style))
        b, c, h, w = q.size()
        q = q.view(b, -1, w * h).permute(0, 2, 1)
        b, c, h, w = k.size()
        k = k.view(b, -1, w * h)
        return torch.bmm(q, k)

    def forward(self, content, style):
        s = self.sm(self.logits(content, style))
        v = self.h(style)
        b, c, h, w = v.size()
        v = v.view(b, -1, w * h)
        o = torch.bmm(v, s.permute(0, 2, 1))
        b, c, h, w = content.size()
        o = o.view(b, c, h, w)
        o = self.out_conv(o)
        return o + content


class Transform(nn.Module):
    """sanet4_1, sanet5_1 and merge_conv."""

    def __init__(self, in_planes=512):
        super().__init__()
        self.sanet4_1 = SANet(in_planes=in_planes)
        self.sanet5_1 = SANet(in_planes=in_planes)
        self.upsample5_1 = nn.Upsample(scale_factor=2, mode="nearest")
        self.merge_conv_pad = nn.ReflectionPad2d((1, 1, 1, 1))
        self.merge_conv = nn.Conv2d(in_planes, in_planes, (3, 3))

    def parts(self, content4_1, style4_1, content5_1, style5_1):
        sa4 = self.sanet4_1(content4_1, style4_1)
        sa5 = self.sanet5_1(content5_1, style5_1)
        out = self.merge_conv(self.merge_conv_pad(sa4 + self.upsample5_1(sa5)))
        return sa4, sa5, out

    def forward(self, content4_1, style4_1, content5_1, style5_1):
        return self.parts(content4_1, style4_1, content5_1, style5_1)[2]


class Nets:
    """The networks one method needs: vgg + (decoder, transformer) or vgg + decoder."""

    def __init__(self, method, vgg, decoder, transformer=None):
        assert method in PAD_MULTIPLE
        if method == "sanet":
            assert transformer is not None
        self.method = method
        self.vgg = vgg.eval()
        self.decoder = decoder.eval()
        self.transformer = transformer.eval() if transformer is not None else None
        self.enc_4 = vgg[:RELU4_1_END]
        self.enc_5 = vgg[RELU4_1_END:RELU5_1_END]

    def encode(self, x):
        """relu4_1 and relu5_1 of a 1x3xHxW image."""
        f4 = self.enc_4(x)
        f5 = self.enc_5(f4)
        return f4, f5


def load_state_dict_file(path):
    sd = torch.load(path, map_location="cpu")
    return sd


def load_nets(weights_dir, method="sanet"):
    vgg = build_vgg()
    vgg.load_state_dict(load_state_dict_file(os.path.join(weights_dir, VGG_FILE)), strict=True)
    decoder = build_decoder()
    transformer = None
    if method == "sanet":
        decoder.load_state_dict(
            load_state_dict_file(os.path.join(weights_dir, SANET_DECODER_FILE)), strict=True)
        transformer = Transform(512)
        transformer.load_state_dict(
            load_state_dict_file(os.path.join(weights_dir, TRANSFORMER_FILE)), strict=True)
    elif method == "adain":
        decoder.load_state_dict(
            load_state_dict_file(os.path.join(weights_dir, ADAIN_DECODER_FILE)), strict=True)
    else:
        raise ValueError("unknown method %r" % method)
    return Nets(method, vgg, decoder, transformer)


# ---------------------------------------------------------------------------
# Colour preservation (pytorch-AdaIN function.py)
# ---------------------------------------------------------------------------

def _calc_feat_flatten_mean_std(feat):
    # takes 3D feat (C, H, W), return mean and std of array within channels
    assert feat.size()[0] == 3
    assert isinstance(feat, torch.FloatTensor)
    feat_flatten = feat.reshape(3, -1)
    mean = feat_flatten.mean(dim=-1, keepdim=True)
    std = feat_flatten.std(dim=-1, keepdim=True)
    return feat_flatten, mean, std


def _mat_sqrt(x):
    U, D, V = torch.svd(x)
    return torch.mm(torch.mm(U, D.pow(0.5).diag()), V.t())


def coral(source, target):
    """Give source (3xHxW) the colour mean and covariance of target (3xH'xW')."""
    source_f, source_f_mean, source_f_std = _calc_feat_flatten_mean_std(source)
    source_f_norm = (source_f - source_f_mean.expand_as(source_f)) / source_f_std.expand_as(source_f)
    source_f_cov_eye = torch.mm(source_f_norm, source_f_norm.t()) + torch.eye(3)

    target_f, target_f_mean, target_f_std = _calc_feat_flatten_mean_std(target)
    target_f_norm = (target_f - target_f_mean.expand_as(target_f)) / target_f_std.expand_as(target_f)
    target_f_cov_eye = torch.mm(target_f_norm, target_f_norm.t()) + torch.eye(3)

    source_f_norm_transfer = torch.mm(
        _mat_sqrt(target_f_cov_eye),
        torch.mm(torch.inverse(_mat_sqrt(source_f_cov_eye)), source_f_norm))

    source_f_transfer = source_f_norm_transfer * target_f_std.expand_as(source_f_norm) + \
        target_f_mean.expand_as(source_f_norm)

    return source_f_transfer.view(source.size())


# ---------------------------------------------------------------------------
# Stylization
# ---------------------------------------------------------------------------

def pad_to_multiple(x, multiple):
    """Reflect-pad a 1xCxHxW tensor at the bottom and right to multiples of `multiple`."""
    h, w = x.shape[-2:]
    ph = (-h) % multiple
    pw = (-w) % multiple
    if ph == 0 and pw == 0:
        return x
    return F.pad(x, (0, pw, 0, ph), mode="reflect")


def normalise_weights(weights, n):
    if weights is None:
        weights = [1.0] * n
    weights = [float(w) for w in weights]
    if len(weights) != n:
        raise ValueError("%d style weights for %d styles" % (len(weights), n))
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("style weights must be >= 0 with a positive sum")
    total = sum(weights)
    return [w / total for w in weights]


def feature_masks(masks, method):
    """Each HxW mask at relu4_1's resolution: reflect-padded as the content is, then averaged
    over 8x8 blocks."""
    pooled = []
    for m in masks:
        padded = pad_to_multiple(m.float().view(1, 1, *m.shape), PAD_MULTIPLE[method])
        pooled.append(F.avg_pool2d(padded, 8)[0, 0])
    return pooled


def spatial_blend(masks, weights, strength, stylized, reconstruction):
    """The masked mix of features: at each position, coverage c = min(1, sum of the masks of
    the styles of positive weight), each such style by w_i m_i / sum_j w_j m_j, the whole
    scaled by strength * c, and the reconstruction for the rest (all of it where no mask
    covers). `stylized` is a list of 1xCxHxW tensors; `reconstruction` a function giving one."""
    active = [i for i, w in enumerate(weights) if w > 0]
    covered = sum(masks[i] for i in active)
    total = sum(weights[i] * masks[i] for i in active)
    some = total > 0
    share = torch.where(some, strength * covered.clamp(max=1.0), torch.zeros_like(total))
    safe_total = torch.where(some, total, torch.ones_like(total))
    feat = None
    for i in active:
        term = (share * weights[i] * masks[i] / safe_total) * stylized[i]
        feat = term if feat is None else feat + term
    rest = 1.0 - share
    if bool((rest > 0).any()):
        feat = feat + rest * reconstruction()
    return feat


def stylize_debug(nets, content, styles, weights=None, alpha=1.0, preserve_color=False, masks=None):
    """Run the whole pipeline; return a dict with the output and intermediates.

    content: 3xHxW float32 in [0, 1]; styles: list of 3xH'xW' float32 in [0, 1]; masks:
    None, or one HxW float32 coverage in [0, 1] per style, at the content's size.
    Keys: 'output' (3xHxW, clamped, cropped), 'output_unclamped' (cropped only), 'raw'
    (1x3xHpxWp decoder output before clamp and crop), 'feature' (what the decoder got), 'content_padded', 'styles'
    (after colour preservation), 'content_relu4_1', 'content_relu5_1',
    'style_relu4_1' / 'style_relu5_1' (lists), and for SANet 'transforms' (list of
    T(c, s_i)), 'sa4' / 'sa5' (lists), 'logits4' / 'logits5' (lists), 'transform_cc'.
    """
    method = nets.method
    if not styles:
        raise ValueError("at least one style image is needed")
    alpha = float(alpha)
    if not 0.0 <= alpha <= 1.0:
        raise ValueError("alpha must be in [0, 1]")
    w = normalise_weights(weights, len(styles))
    content = content.float().contiguous()
    _, H, W = content.shape
    if masks is not None:
        if len(masks) != len(styles):
            raise ValueError("one mask per style")
        fmasks = feature_masks(masks, method)
    if preserve_color:
        styles = [coral(s.float().contiguous(), content) for s in styles]
    styles = [s.float() for s in styles]

    d = {"styles": styles}
    with torch.no_grad():
        c = pad_to_multiple(content.unsqueeze(0), PAD_MULTIPLE[method])
        d["content_padded"] = c
        c4, c5 = nets.encode(c)
        d["content_relu4_1"], d["content_relu5_1"] = c4, c5
        s4s, s5s = [], []
        for s in styles:
            s4, s5 = nets.encode(s.unsqueeze(0))
            s4s.append(s4)
            s5s.append(s5)
        d["style_relu4_1"], d["style_relu5_1"] = s4s, s5s

        if method == "sanet":
            t = nets.transformer
            transforms, sa4s, sa5s, l4s, l5s = [], [], [], [], []
            for s4, s5 in zip(s4s, s5s):
                sa4, sa5, out = t.parts(c4, s4, c5, s5)
                transforms.append(out)
                sa4s.append(sa4)
                sa5s.append(sa5)
                l4s.append(t.sanet4_1.logits(c4, s4))
                l5s.append(t.sanet5_1.logits(c5, s5))
            d.update(transforms=transforms, sa4=sa4s, sa5=sa5s, logits4=l4s, logits5=l5s)
            if masks is not None:
                feat = spatial_blend(fmasks, w, alpha, transforms, lambda: t(c4, c4, c5, c5))
            else:
                mixed = None
                for wi, ti in zip(w, transforms):
                    mixed = wi * ti if mixed is None else mixed + wi * ti
                if alpha == 1.0:
                    feat = mixed
                else:
                    tcc = t(c4, c4, c5, c5)
                    d["transform_cc"] = tcc
                    feat = alpha * mixed + (1.0 - alpha) * tcc
        elif masks is not None:
            adapted = [adaptive_instance_normalization(c4, s4) for s4 in s4s]
            feat = spatial_blend(fmasks, w, alpha, adapted, lambda: c4)
        else:
            mixed = None
            for wi, s4 in zip(w, s4s):
                a = adaptive_instance_normalization(c4, s4)
                mixed = wi * a if mixed is None else mixed + wi * a
            feat = alpha * mixed + (1.0 - alpha) * c4
        d["feature"] = feat
        raw = nets.decoder(feat)
        d["raw"] = raw
        d["output_unclamped"] = raw[0, :, :H, :W]
        d["output"] = d["output_unclamped"].clamp(0.0, 1.0)
    return d


def stylize(content, styles, weights=None, alpha=1.0, preserve_color=False, method=None, *, nets, masks=None):
    """Stylize one content image; returns the 3xHxW float32 image in [0, 1]."""
    if method is not None and method != nets.method:
        raise ValueError("nets were loaded for %r, not %r" % (nets.method, method))
    return stylize_debug(nets, content, styles, weights, alpha, preserve_color, masks)["output"]


# ---------------------------------------------------------------------------
# Image I/O
# ---------------------------------------------------------------------------

def load_image(path):
    """PNG/JPEG -> 3xHxW float32 in [0, 1]."""
    with Image.open(path) as im:
        arr = np.asarray(im.convert("RGB"), dtype=np.uint8)
    return torch.from_numpy(arr.astype(np.float32) / 255.0).permute(2, 0, 1).contiguous()


def load_mask(path, size=None):
    """A mask file -> HxW float32 coverage in [0, 1]: its alpha when it has one, else the
    Rec. 601 luma of its RGB; resampled (Pillow's bicubic, in float) to size=(W, H) if given."""
    with Image.open(path) as im:
        if "A" in im.getbands() or "transparency" in im.info:
            plane = np.asarray(im.convert("RGBA").getchannel("A"), dtype=np.float32) / np.float32(255)
        else:
            rgb = np.asarray(im.convert("RGB"), dtype=np.float32) / np.float32(255)
            plane = (np.float32(0.299) * rgb[..., 0] + np.float32(0.587) * rgb[..., 1]
                     + np.float32(0.114) * rgb[..., 2])
    if size is not None and (plane.shape[1], plane.shape[0]) != tuple(size):
        plane = np.asarray(Image.fromarray(plane, mode="F").resize(tuple(size), Image.BICUBIC), dtype=np.float32)
    return torch.from_numpy(np.clip(plane, 0, 1).astype(np.float32))


def to_uint8(img):
    """3xHxW float -> HxWx3 uint8 with floor(x * 255 + 0.5) after clamping (save_image)."""
    x = img.detach().float().clamp(0.0, 1.0)
    x = torch.floor(x * 255.0 + 0.5).clamp(0, 255).to(torch.uint8)
    return x.permute(1, 2, 0).contiguous().numpy()


def save_png(img, path):
    arr = img if isinstance(img, np.ndarray) else to_uint8(img)
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    Image.fromarray(arr, mode="RGB").save(path, format="PNG")


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def _parse_weights(s):
    if s is None:
        return None
    return [float(x) for x in s.split(",") if x.strip() != ""]


def _peak_rss_mib():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cmd_stylize(args):
    torch.set_num_threads(args.threads)
    nets = load_nets(args.weights, args.method)
    content = load_image(args.content)
    styles = [load_image(p) for p in args.style]
    size = (content.shape[2], content.shape[1])
    masks = [load_mask(p, size) for p in args.mask] if args.mask else None
    out = stylize(content, styles, _parse_weights(args.style_weights), args.alpha,
                  args.preserve_color, args.method, nets=nets, masks=masks)
    save_png(out, args.output)
    arr = to_uint8(out)
    print("wrote %s (%dx%d), mean %s, std %s" % (
        args.output, arr.shape[1], arr.shape[0],
        np.round(arr.reshape(-1, 3).mean(0), 2).tolist(),
        np.round(arr.reshape(-1, 3).std(0), 2).tolist()))
    if args.peak_rss:
        print("peak_rss_mib=%.1f" % _peak_rss_mib())
    return 0


def cmd_bench(args):
    torch.set_num_threads(args.threads)
    nets = load_nets(args.weights, args.method)
    style_size = args.style_size or args.size
    g = torch.Generator().manual_seed(0)
    content = torch.rand(3, args.size, args.size, generator=g)
    style = torch.rand(3, style_size, style_size, generator=g)
    print("method=%s size=%d style_size=%d threads=%d torch=%s" % (
        args.method, args.size, style_size, torch.get_num_threads(), torch.__version__))
    for _ in range(args.warmup):
        stylize(content, [style], None, args.alpha, False, args.method, nets=nets)
    times = []
    for i in range(args.reps):
        t0 = time.perf_counter()
        stylize(content, [style], None, args.alpha, False, args.method, nets=nets)
        dt = time.perf_counter() - t0
        times.append(dt)
        print("rep %d: %.4f s" % (i + 1, dt))
        sys.stdout.flush()
    if args.peak_rss:
        print("peak_rss_mib=%.1f" % _peak_rss_mib())
    print("median_s=%.6f" % statistics.median(times))
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    ps = sub.add_parser("stylize", help="stylize one content image")
    ps.add_argument("--weights", required=True, help="folder with the .pth files")
    ps.add_argument("--content", required=True)
    ps.add_argument("--style", required=True, action="append")
    ps.add_argument("--mask", action="append", help="one per --style, in order")
    ps.add_argument("--style-weights", default=None, help="comma separated, e.g. 1,3")
    ps.add_argument("--alpha", type=float, default=1.0)
    ps.add_argument("--preserve-color", action="store_true")
    ps.add_argument("--method", choices=sorted(PAD_MULTIPLE), default="sanet")
    ps.add_argument("--output", required=True)
    ps.add_argument("--threads", type=int, default=2)
    ps.add_argument("--peak-rss", action="store_true")
    ps.set_defaults(func=cmd_stylize)

    pb = sub.add_parser("bench", help="time one forward pass on random inputs")
    pb.add_argument("--weights", required=True)
    pb.add_argument("--size", type=int, required=True, help="content is size x size")
    pb.add_argument("--style-size", type=int, default=None, help="default: --size")
    pb.add_argument("--reps", type=int, default=3)
    pb.add_argument("--warmup", type=int, default=1)
    pb.add_argument("--threads", type=int, default=2)
    pb.add_argument("--alpha", type=float, default=1.0)
    pb.add_argument("--method", choices=sorted(PAD_MULTIPLE), default="sanet")
    pb.add_argument("--peak-rss", action="store_true")
    pb.set_defaults(func=cmd_bench)

    args = p.parse_args(argv)
    return args.func(args)


torch.set_num_threads(2)

if __name__ == "__main__":
    sys.exit(main())
