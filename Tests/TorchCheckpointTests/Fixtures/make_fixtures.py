"""Writes the checkpoint fixtures and expected.json with real PyTorch.

Run with a Python that has torch (Debian's python3-torch):
    /usr/bin/python3 Tests/TorchCheckpointTests/Fixtures/make_fixtures.py
Files use the .pt extension because the repository ignores *.pth.
"""
import collections
import io
import json
import os
import pickle
import struct
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MAGIC = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
SYS_INFO = dict(protocol_version=PROTOCOL_VERSION, little_endian=True,
                type_sizes=dict(short=2, int=4, long=4))


def path(name):
    return os.path.join(HERE, name)


def save_both(state, stem):
    torch.save(state, path(stem + "_zip.pt"))
    torch.save(state, path(stem + "_legacy.pt"), _use_new_zipfile_serialization=False)


def describe(state):
    out = {}
    for key, t in state.items():
        entry = {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}
        if t.dtype == torch.float32:
            entry["values"] = [float(v) for v in t.contiguous().view(-1).tolist()]
        out[key] = entry
    return out


def sequential():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 1), torch.nn.ReLU(), torch.nn.Conv2d(4, 2, 3))
    return model.state_dict()


def views():
    torch.manual_seed(1)
    base = torch.randn(3, 5)
    big = torch.randn(6, 4)
    state = collections.OrderedDict()
    state["transposed"] = base.t()
    state["head"] = big[0:2]
    state["window"] = big[2:5, 1:3]
    state["scalar"] = torch.tensor(3.5)
    state["empty"] = torch.zeros(0, 3)
    assert not state["transposed"].is_contiguous()
    assert state["window"].storage_offset() == 9 and not state["window"].is_contiguous()
    return state


def dtypes():
    state = collections.OrderedDict()
    state["float"] = torch.tensor([1.5, -2.0])
    state["double"] = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    state["long"] = torch.tensor([1, 2, 3], dtype=torch.int64)
    state["half"] = torch.tensor([0.5, 1.0], dtype=torch.float16)
    return state


class StorageView:
    """A storage as pre-1.0 torch saw it: a window of a root storage."""

    def __init__(self, root, offset, numel, view_key):
        self.root, self.offset, self.numel, self.view_key = root, offset, numel, view_key


class OldTensor:
    """Pickles like a torch 0.3 tensor: _rebuild_tensor(storage, offset, size, stride)."""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride)

    def __reduce__(self):
        return (torch._utils._rebuild_tensor, self.args)


class Py2OrderedDict:
    """Pickles like Python 2's OrderedDict: the items are the constructor argument."""

    def __init__(self, items, metadata):
        self.items, self.metadata = items, metadata

    def __reduce__(self):
        return (collections.OrderedDict, ([[k, v] for k, v in self.items],), {"_metadata": self.metadata})


class Py2Pickler(pickle._Pickler):
    """Writes byte strings as Python 2 str opcodes (SHORT_BINSTRING), as 2017 checkpoints have."""

    dispatch = dict(pickle._Pickler.dispatch)

    def save_py2_str(self, obj):
        self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def old_style_legacy():
    """A legacy file shaped like one from torch 0.3 under Python 2, with a storage view."""
    torch.manual_seed(2)
    root = torch.randn(10)
    weight = torch.randn(2, 3)
    roots = {b"1001": root, b"1002": weight}
    view = StorageView(b"1001", 4, 6, b"1003")
    whole = StorageView(b"1002", 0, 6, None)
    items = [
        (b"conv.weight", OldTensor(whole, 0, (3, 2), (1, 3))),
        (b"conv.bias", OldTensor(view, 1, (2, 2), (2, 1))),
    ]
    expected = collections.OrderedDict()
    expected["conv.weight"] = weight.view(-1)[:6].as_strided((3, 2), (1, 3))
    expected["conv.bias"] = root.as_strided((2, 2), (2, 1), 5)

    def persistent_id(obj):
        if isinstance(obj, StorageView):
            numel = roots[obj.root].numel()
            meta = None if obj.view_key is None else (obj.view_key, obj.offset, obj.numel)
            return (b"storage", torch.FloatStorage, obj.root, b"cpu", numel, meta)
        return None

    out = io.BytesIO()
    for header in (MAGIC, PROTOCOL_VERSION, {k.encode(): v for k, v in SYS_INFO.items()}):
        Py2Pickler(out, protocol=2).dump(header)
    pickler = Py2Pickler(out, protocol=2)
    pickler.persistent_id = persistent_id
    pickler.dump(Py2OrderedDict(items, {b"": {b"version": 1}}))
    keys = sorted(roots)
    Py2Pickler(out, protocol=2).dump(keys)
    for key in keys:
        data = roots[key].numpy().astype("<f4").tobytes()
        out.write(struct.pack("<q", roots[key].numel()) + data)
    with open(path("old_style_legacy.pt"), "wb") as f:
        f.write(out.getvalue())
    loaded = torch.load(path("old_style_legacy.pt"))
    for key, t in expected.items():
        assert torch.equal(loaded[key], t), key
    return expected


def evil_pickle():
    """os.system('true') via REDUCE: what a loader must refuse without running it."""
    return (b"\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03.")


def evil_files():
    out = io.BytesIO()
    for header in (MAGIC, PROTOCOL_VERSION, SYS_INFO):
        pickle.dump(header, out, protocol=2)
    out.write(evil_pickle())
    pickle.dump([], out, protocol=2)
    with open(path("evil_global_legacy.pt"), "wb") as f:
        f.write(out.getvalue())
    with zipfile.ZipFile(path("evil_global_zip.pt"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("evil_global_zip/data.pkl", evil_pickle())
        z.writestr("evil_global_zip/version", "3\n")


def big_endian_zip():
    src = path("sequential_zip.pt")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path("big_endian_zip.pt"), "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename.replace("sequential_zip/", "big_endian_zip/"), zin.read(info))
        zout.writestr("big_endian_zip/byteorder", "big")


def repacked_zips():
    """The sequential file under the top folder 'archive/' (as newer torch names it), and once deflated."""
    with zipfile.ZipFile(path("sequential_zip.pt")) as zin:
        entries = [(i.filename.split("/", 1)[1], zin.read(i)) for i in zin.infolist()]
    for name, method in (("archive_zip.pt", zipfile.ZIP_STORED), ("deflated_zip.pt", zipfile.ZIP_DEFLATED)):
        with zipfile.ZipFile(path(name), "w", method) as z:
            for entry, data in entries:
                z.writestr("archive/" + entry, data)
    assert list(torch.load(path("archive_zip.pt")).keys()) == list(sequential().keys())


def main():
    expected = {}
    seq = sequential()
    save_both(seq, "sequential")
    expected["sequential"] = describe(seq)
    v = views()
    save_both(v, "views")
    expected["views"] = describe(v)
    d = dtypes()
    save_both(d, "dtypes")
    expected["dtypes"] = describe(d)
    save_both(collections.OrderedDict(), "empty")
    expected["empty"] = {}
    expected["old_style"] = describe(old_style_legacy())
    evil_files()
    big_endian_zip()
    repacked_zips()
    torch.save({"state_dict": seq, "epoch": 3}, path("wrapped_zip.pt"))
    for stem in ("sequential", "views", "dtypes", "empty"):
        for fmt in ("zip", "legacy"):
            loaded = torch.load(path(f"{stem}_{fmt}.pt"))
            assert list(loaded.keys()) == list(expected[stem].keys())
    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
