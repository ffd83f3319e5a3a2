#!/usr/bin/env python3
"""Write the PyTorch checkpoint fixtures for CLIPModelTests (Torch*.swift).

Valid archives are written by torch.save and torch.jit.save. expected.json
records every tensor's dtype and shape, and values.f32 its values (float32,
row-major), so the Swift reader is checked value for value. Hostile archives are built by hand
from a valid one, and hostile.json names the error each must raise.

Usage: python3 tools/make_torch_fixtures.py [OUTPUT_DIR]
(default Tests/CLIPModelTests/Fixtures/torch). Needs torch (tools/requirements.txt).
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import warnings
import zipfile

import torch

warnings.filterwarnings("ignore")
torch.manual_seed(7)


# Expected values of every tensor, as float32 little-endian, concatenated;
# expected.json gives each tensor's element offset into values.f32.
EXPECTED_VALUES = bytearray()


def expected_entry(tensor):
    values = tensor.detach().to(torch.float32).contiguous().reshape(-1)
    dtype = {
        torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
        torch.float64: "F64", torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8",
    }[tensor.dtype]
    offset = len(EXPECTED_VALUES) // 4
    EXPECTED_VALUES.extend(struct.pack("<%df" % values.numel(), *values.tolist()))
    return {"dtype": dtype, "shape": list(tensor.shape), "offset": offset, "count": values.numel()}


def small_state_dict(dtype):
    """Tensors covering the cases the reader must handle, in one dtype."""
    base = torch.randn(4, 6).to(dtype)
    state = collections.OrderedDict()
    state["linear.weight"] = base
    # A transposed view: same storage, strides (1, 6).
    state["linear.weight_t"] = base.t()
    # A view with a storage offset and a step: rows 1..3, every other column.
    state["linear.slice"] = base[1:, ::2]
    state["bias"] = torch.nn.Parameter(torch.randn(3).to(dtype), requires_grad=False)
    state["scalar"] = torch.tensor(2.5, dtype=dtype)
    state["empty"] = torch.zeros(0, 3, dtype=dtype)
    state["position_ids"] = torch.arange(5, dtype=torch.int64).unsqueeze(0)
    return state


class TinyBlock(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(3, 2)
        self.register_buffer("mask", torch.triu(torch.full((2, 2), -1.0), diagonal=1))

    def forward(self, x):
        return self.proj(x) + self.mask.sum()


class TinyModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.block = TinyBlock()
        self.logit_scale = torch.nn.Parameter(torch.tensor(4.6052))
        self.embedding = torch.nn.Parameter(torch.randn(5, 3).to(torch.float16))

    def forward(self, x):
        return self.block(x) * self.logit_scale


def write_valid(out, expected):
    for name, dtype in (("f32", torch.float32), ("f16", torch.float16), ("bf16", torch.bfloat16)):
        state = small_state_dict(dtype)
        torch.save(state, os.path.join(out, f"state_{name}.pt"))
        expected[f"state_{name}.pt"] = {key: expected_entry(value) for key, value in state.items()}

    # nn.Module.state_dict() carries a _metadata attribute, pickled with BUILD.
    model = TinyModel()
    torch.save(model.state_dict(), os.path.join(out, "pytorch_model.bin"))
    expected["pytorch_model.bin"] = {k: expected_entry(v) for k, v in model.state_dict().items()}

    # An open_clip training checkpoint: DataParallel "module." prefixes, an
    # epoch number and optimizer state next to the weights.
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model(torch.randn(1, 3)).sum().backward()
    optimizer.step()
    training = {
        "epoch": 3,
        "name": "tiny-run",
        "state_dict": collections.OrderedDict(("module." + k, v) for k, v in model.state_dict().items()),
        "optimizer": optimizer.state_dict(),
    }
    torch.save(training, os.path.join(out, "openclip_epoch_3.pt"))
    expected["openclip_epoch_3.pt"] = {k: expected_entry(v) for k, v in model.state_dict().items()}

    # A sharded Hugging Face checkpoint with its index.
    state = model.state_dict()
    names = list(state.keys())
    shards = {"pytorch_model-00001-of-00002.bin": names[:2], "pytorch_model-00002-of-00002.bin": names[2:]}
    weight_map = {}
    for shard, keys in shards.items():
        torch.save(collections.OrderedDict((k, state[k]) for k in keys), os.path.join(out, "sharded", shard))
        weight_map.update({k: shard for k in keys})
    with open(os.path.join(out, "sharded", "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)
    expected["sharded/pytorch_model.bin.index.json"] = {k: expected_entry(v) for k, v in state.items()}

    # A TorchScript archive, the layout of OpenAI's ViT-B-32.pt.
    scripted = torch.jit.script(TinyModel())
    torch.jit.save(scripted, os.path.join(out, "scripted.pt"))
    expected["scripted.pt"] = {k: expected_entry(v) for k, v in scripted.state_dict().items()}


def write_zip64(path, entries):
    """Write a stored zip whose central directory uses zip64 fields for every
    size and offset, as torch.save does for files past 4 GiB."""
    import zlib
    out = bytearray()
    central = bytearray()
    for name, data in entries:
        encoded = name.encode()
        offset = len(out)
        crc = zlib.crc32(data)
        local_extra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                           len(encoded), len(local_extra)) + encoded + local_extra + data
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                               len(encoded), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + encoded + extra
    directory_offset = len(out)
    out += central
    record_offset = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries),
                       len(central), directory_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, record_offset, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    open(path, "wb").write(bytes(out))


def write_recompressed(out, expected):
    """The same state dict in deflate entries and in zip64 form, to cover
    archive features torch.save uses only for other files or past 4 GiB."""
    source = os.path.join(out, "state_f32.pt")
    entries = archive_entries(source)
    with zipfile.ZipFile(os.path.join(out, "state_f32_deflate.pt"), "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    write_zip64(os.path.join(out, "state_f32_zip64.pt"), entries)
    for name in ("state_f32_deflate.pt", "state_f32_zip64.pt"):
        expected[name] = expected["state_f32.pt"]


def write_openai_traced(out, expected):
    """A traced copy of OpenAI's CLIP class, the way OpenAI's ViT-B-32.pt was
    made (torch.jit.trace, then save), at the smallest size the class allows:
    widths of 64 because it uses one attention head per 64 channels."""
    import importlib.util
    import types

    # clip/__init__.py imports pkg_resources, missing from current setuptools;
    # load clip/model.py by path so only the model class is needed.
    sys.modules.setdefault("pkg_resources", types.SimpleNamespace(packaging=None))
    spec = importlib.util.find_spec("clip")
    model_path = os.path.join(os.path.dirname(spec.origin), "model.py")
    module_spec = importlib.util.spec_from_file_location("openai_clip_model", model_path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)

    torch.manual_seed(3)
    model = module.CLIP(embed_dim=16, image_resolution=16, vision_layers=1, vision_width=64, vision_patch_size=8,
                        context_length=8, vocab_size=50, transformer_width=64, transformer_heads=1,
                        transformer_layers=1).eval()
    traced = torch.jit.trace(model, (torch.randn(1, 3, 16, 16), torch.randint(0, 50, (1, 8))))
    traced.save(os.path.join(out, "openai_traced.pt"))
    loaded = torch.jit.load(os.path.join(out, "openai_traced.pt"))
    expected["openai_traced.pt"] = {k: expected_entry(v) for k, v in loaded.state_dict().items()}


# MARK: hostile archives

def archive_entries(path):
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info.filename)) for info in archive.infolist()]


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries:
            archive.writestr(name, data)


def replace_entry(entries, suffix, data):
    return [(name, data if name.endswith(suffix) else old) for name, old in entries]


def rebuild_pickle(storage_numel, storage_offset, size, stride):
    """A one-tensor state dict pickle with chosen storage and view numbers."""
    class Storage:
        pass

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, Storage):
                return ("storage", torch.FloatStorage, "0", "cpu", storage_numel)
            return None

    class Rebuild:
        def __reduce__(self):
            return (torch._utils._rebuild_tensor_v2,
                    (Storage(), storage_offset, size, stride, False, collections.OrderedDict()))

    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(collections.OrderedDict([("w", Rebuild())]))
    return buffer.getvalue()


def write_hostile(out, source, hostile):
    entries = archive_entries(source)

    class System:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    path = "hostile_posix_system.pt"
    write_zip(os.path.join(out, path), replace_entry(entries, "data.pkl", pickle.dumps({"w": System()}, protocol=2)))
    hostile[path] = {"error": "forbiddenGlobal", "contains": "posix.system"}

    path = "hostile_huge_storage.pt"
    write_zip(os.path.join(out, path), replace_entry(entries, "data.pkl", rebuild_pickle(1 << 61, 0, (4, 6), (6, 1))))
    hostile[path] = {"error": "invalidArchive", "contains": "storage"}

    path = "hostile_view_outside_storage.pt"
    write_zip(os.path.join(out, path), replace_entry(entries, "data.pkl", rebuild_pickle(24, 20, (4, 6), (6, 1))))
    hostile[path] = {"error": "invalidArchive", "contains": "outside"}

    path = "hostile_overflow_stride.pt"
    write_zip(os.path.join(out, path),
              replace_entry(entries, "data.pkl", rebuild_pickle(24, 0, (3, 1 << 40), (1 << 40, 1 << 30))))
    hostile[path] = {"error": "invalidArchive", "contains": "overflow"}

    # Lists nested 10 000 deep: push 10 001 empty lists, then APPEND each into the one below.
    deep = b"\x80\x02" + b"]" * 10_001 + b"a" * 10_000 + b"."
    path = "hostile_deep_nesting.pt"
    write_zip(os.path.join(out, path), replace_entry(entries, "data.pkl", deep))
    hostile[path] = {"error": "invalidArchive", "contains": "deep"}

    raw = open(source, "rb").read()
    path = "hostile_truncated.pt"
    open(os.path.join(out, path), "wb").write(raw[: len(raw) * 2 // 3])
    hostile[path] = {"error": "invalidArchive", "contains": "end of central directory"}

    # Central directory entry whose local header offset points past the file end.
    data = bytearray(raw)
    cd = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 42, len(raw) + 1000)
    path = "hostile_offset_outside_file.pt"
    open(os.path.join(out, path), "wb").write(bytes(data))
    hostile[path] = {"error": "invalidArchive", "contains": "outside the file"}

    # Two central directory entries pointing at the same local header.
    data = bytearray(raw)
    first = data.index(b"PK\x01\x02")
    second = data.index(b"PK\x01\x02", first + 4)
    offset = struct.unpack_from("<I", data, first + 42)[0]
    struct.pack_into("<I", data, second + 42, offset)
    path = "hostile_overlapping_entries.pt"
    open(os.path.join(out, path), "wb").write(bytes(data))
    hostile[path] = {"error": "invalidArchive", "contains": "overlap"}

    # An end-of-central-directory record that claims 65535 entries.
    data = bytearray(raw)
    eocd = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, eocd + 8, 0xFFFE, 0xFFFE)
    path = "hostile_absurd_count.pt"
    open(os.path.join(out, path), "wb").write(bytes(data))
    hostile[path] = {"error": "invalidArchive", "contains": "central directory"}

    # A central directory whose first signature is wrong.
    data = bytearray(raw)
    data[data.index(b"PK\x01\x02") + 2] = 0x09
    path = "hostile_bad_central_directory.pt"
    open(os.path.join(out, path), "wb").write(bytes(data))
    hostile[path] = {"error": "invalidArchive", "contains": "central directory"}

    # A storage entry whose bytes were altered after writing: its CRC-32 no longer matches.
    data = bytearray(raw)
    with zipfile.ZipFile(source) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("data/0"))
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    data[info.header_offset + 30 + name_length + extra_length] ^= 0xFF
    path = "hostile_bad_crc.pt"
    open(os.path.join(out, path), "wb").write(bytes(data))
    hostile[path] = {"error": "invalidArchive", "contains": "CRC-32", "onRead": "linear.weight"}

    # A deflate entry that declares far more bytes than deflate can expand to.
    deflated = os.path.join(out, "state_f32_deflate.pt")
    data = bytearray(open(deflated, "rb").read())
    with zipfile.ZipFile(deflated) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("data.pkl"))
    name = info.filename.encode()
    cd = data.index(b"PK\x01\x02")
    while data[cd + 46:cd + 46 + len(name)] != name:
        cd = data.index(b"PK\x01\x02", cd + 4)
    struct.pack_into("<I", data, cd + 24, 0xFFFFFFF0)
    path = "hostile_inflated_size.pt"
    open(os.path.join(out, path), "wb").write(bytes(data))
    hostile[path] = {"error": "invalidArchive", "contains": "more than deflate can expand"}

    # The format before PyTorch 1.6: a bare pickle stream, not a zip archive.
    path = "legacy_format.pt"
    torch.save({"w": torch.ones(2)}, os.path.join(out, path), _use_new_zipfile_serialization=False)
    hostile[path] = {"error": "invalidArchive", "contains": "PyTorch 1.6"}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/CLIPModelTests/Fixtures/torch"
    os.makedirs(os.path.join(out, "sharded"), exist_ok=True)
    expected, hostile = {}, {}
    write_valid(out, expected)
    write_recompressed(out, expected)
    write_openai_traced(out, expected)
    write_hostile(out, os.path.join(out, "state_f32.pt"), hostile)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"torch": torch.__version__, "files": expected}, f, indent=1, sort_keys=True)
    with open(os.path.join(out, "values.f32"), "wb") as f:
        f.write(bytes(EXPECTED_VALUES))
    with open(os.path.join(out, "hostile.json"), "w") as f:
        json.dump(hostile, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
