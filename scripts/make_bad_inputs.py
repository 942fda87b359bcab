#!/usr/bin/env python3
"""Build a corpus of malformed inputs, and the commands that must refuse them cleanly.

Every file a researcher might be handed — .pt checkpoints, .npz, .npy folders,
.safetensors, CSV data, joint-distribution CSV, ONNX and built-in models — in the
broken forms seen in the wild or built to attack a reader: decompression and memo
bombs, deep nesting, views far larger than their storage, lying headers, labels far
beyond the rows, symbols that would size a table, NaN, columns used twice, models
whose graph allocates terabytes or reads files outside their folder.

`build(out_dir)` writes the files and returns the cases; each case names the CLI
arguments to run and, where the Python package reads the same file, a Python
snippet. A case is refused — exit status 2 with one line on stderr, or ValueError /
TypeError in Python — unless it is marked `valid` (input that looks odd but has a
well-defined answer, such as PID symbols of 2³²), which must succeed. Never a
signal, a panic or a traceback of another kind. The test `bindings/python/tests/test_bad_inputs.py`
runs them all with memory and time limits; `python scripts/make_bad_inputs.py DIR`
writes the corpus for manual use.

Needs numpy; the ONNX cases also need the `onnx` package, and the cases of saved LSMI
models and of partial results (which start from real ones) the `interplay` package;
each group is left out without its package.
"""
from __future__ import annotations

import io
import json
import os
import pickle
import struct
import sys
import types
import zipfile
import zlib

import numpy as np

# ---------------------------------------------------------------- helpers


def _npy_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def _npy_with_header(header: dict, payload: bytes) -> bytes:
    text = repr(header).encode()
    text += b" " * ((64 - (10 + len(text) + 1) % 64) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + payload


def _zip(path: str, entries: dict, compress: bool = False) -> None:
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in entries.items():
            z.writestr(name, data)


def _good_arrays(n: int = 40, seed: int = 0) -> dict:
    r = np.random.default_rng(seed)
    y = np.arange(n) % 2
    return {
        "train_modal_1_features": r.normal(size=(n, 3)).astype(np.float32),
        "train_modal_2_features": r.normal(size=(n, 2)).astype(np.float32),
        "train_targets": y.astype(np.int64),
        "val_modal_1_features": r.normal(size=(n, 3)).astype(np.float32),
        "val_modal_2_features": r.normal(size=(n, 2)).astype(np.float32),
        "val_targets": y.astype(np.int64),
    }


def _npz(path: str, arrays: dict) -> None:
    _zip(path, {k + ".npy": _npy_bytes(v) for k, v in arrays.items()})


# ------------------------------------------------------- fake torch pickles


_FAKE = {}


def _fake_torch():
    """Modules named like torch's, so `pickle` writes the GLOBALs torch.save writes
    (no torch needed, and nothing here is ever unpickled). They are visible in
    `sys.modules` only while `_torch_pickle` runs, so no other code ever sees them."""
    if not _FAKE:
        torch = types.ModuleType("torch")
        utils = types.ModuleType("torch._utils")

        def _rebuild_tensor_v2(*a):  # pragma: no cover - never called
            raise RuntimeError

        _rebuild_tensor_v2.__module__ = "torch._utils"
        _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
        utils._rebuild_tensor_v2 = _rebuild_tensor_v2
        for name in ("FloatStorage", "LongStorage"):
            setattr(torch, name, type(name, (), {"__module__": "torch"}))
        torch._utils = utils
        _FAKE.update({"torch": torch, "torch._utils": utils})
    return _FAKE["torch"], _FAKE["torch._utils"]


class _Tensor:
    def __init__(self, storage_cls, key, numel, offset, size, stride):
        self.args = (("storage", storage_cls, key, "cpu", numel), offset, size, stride)

    def __reduce__(self):
        _, utils = _fake_torch()
        storage, offset, size, stride = self.args
        return (utils._rebuild_tensor_v2, (_Storage(storage), offset, size, stride, False, {}))


class _Storage:
    def __init__(self, record):
        self.record = record


class _TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj.record if isinstance(obj, _Storage) else None


def _torch_pickle(obj) -> bytes:
    _fake_torch()
    saved = {k: sys.modules.get(k) for k in _FAKE}
    sys.modules.update(_FAKE)
    try:
        buf = io.BytesIO()
        _TorchPickler(buf, protocol=2).dump(obj)
        return buf.getvalue()
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def _pt(path: str, pickle_bytes: bytes, storages: dict | None = None) -> None:
    entries = {"archive/data.pkl": pickle_bytes, "archive/byteorder": b"little", "archive/version": b"3\n"}
    for key, data in (storages or {}).items():
        entries[f"archive/data/{key}"] = data
    _zip(path, entries)


def _pt_tensors(path: str, spec: dict, storages: dict) -> None:
    torch, _ = _fake_torch()
    obj = {k: _Tensor(getattr(torch, cls), key, numel, off, size, stride) for k, (cls, key, numel, off, size, stride) in spec.items()}
    _pt(path, _torch_pickle(obj), storages)


def _memo_bomb() -> bytes:
    """~450 bytes whose object graph doubles at each of 90 levels when memoised
    values are copied instead of shared."""
    out = bytearray(b"\x80\x02]q\x00")
    for i in range(1, 91):
        out += b"h" + bytes([i - 1]) + b"h" + bytes([i - 1]) + b"\x86q" + bytes([i])
    out += b"."
    return bytes(out)


def _deep_tuples(depth: int) -> bytes:
    return b"\x80\x02" + b"(" * depth + b")" + b"t" * depth + b"."


# ------------------------------------------------------------------ corpus


def build(out: str) -> list:
    """Write the corpus into `out` and return its cases (dicts with `name`, `cli`, `py`)."""
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)  # noqa: E731
    cases = []

    def case(name, cli, py=None, valid=False):
        cases.append({"name": name, "cli": cli, "py": py, "valid": valid})

    def data_case(name, path, loader="load"):
        case(name, ["inspect", path], f"interplay.{loader}({path!r})")
        case(name + " (lsmi)", ["lsmi", "--data", path, "--epochs-discriminator", "1", "--epochs-entropy", "1"])

    good = p("good.npz")
    _npz(good, _good_arrays())

    # -- .pt
    _pt(p("memo_bomb.pt"), _memo_bomb())
    data_case("pt memo bomb", p("memo_bomb.pt"))
    _pt(p("deep_tuples.pt"), _deep_tuples(1_000_000))
    data_case("pt 2 MB of nested tuples", p("deep_tuples.pt"))
    _pt_tensors(
        p("expand_view.pt"),
        {"train_modal_1_features": ("FloatStorage", "0", 10, 0, (100_000_000_000, 10), (0, 1))},
        {"0": np.zeros(10, np.float32).tobytes()},
    )
    data_case("pt [1e11, 10] expand view", p("expand_view.pt"))
    _pt_tensors(
        p("stride_out_of_bounds.pt"),
        {"train_modal_1_features": ("FloatStorage", "0", 10, 0, (10, 10), (10, 1))},
        {"0": np.zeros(10, np.float32).tobytes()},
    )
    data_case("pt stride beyond storage", p("stride_out_of_bounds.pt"))
    _pt_tensors(
        p("missing_storage.pt"),
        {"train_modal_1_features": ("FloatStorage", "7", 10, 0, (10,), (1,))},
        {},
    )
    data_case("pt storage entry missing", p("missing_storage.pt"))
    _pt_tensors(
        p("huge_numel.pt"),
        {"train_modal_1_features": ("FloatStorage", "0", 2**62, 0, (2**31, 2**31), (2**31, 1))},
        {"0": np.zeros(4, np.float32).tobytes()},
    )
    data_case("pt declared numel 2^62", p("huge_numel.pt"))
    evil = b"\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03."
    _pt(p("os_system.pt"), evil)
    data_case("pt os.system global", p("os_system.pt"))
    _pt(p("unknown_opcode.pt"), b"\x80\x02}q\x00\xff.")
    data_case("pt unknown opcode", p("unknown_opcode.pt"))
    _pt(p("truncated_pickle.pt"), b"\x80\x02}q\x00(X\x10\x00\x00\x00train_modal")
    data_case("pt truncated pickle", p("truncated_pickle.pt"))
    _pt(p("huge_string.pt"), b"\x80\x02\x8d" + struct.pack("<Q", 2**62) + b"abc.")
    data_case("pt BINUNICODE8 of 2^62 bytes", p("huge_string.pt"))
    with open(p("not_zip.pt"), "wb") as f:
        f.write(b"PK\x03\x04" + os.urandom(200))
    data_case("pt random bytes after zip magic", p("not_zip.pt"))
    with open(p("legacy.pt"), "wb") as f:
        f.write(b"\x80\x02" + os.urandom(64))
    data_case("pt legacy format", p("legacy.pt"))
    with open(p("empty.pt"), "wb"):
        pass
    data_case("pt empty file", p("empty.pt"))

    # -- .npz
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    header = _npy_with_header({"descr": "<f4", "fortran_order": False, "shape": (393216, 1024)}, b"")
    chunk = bytes(1 << 20)
    body = bomb.compress(header)
    for _ in range(1536):
        body += bomb.compress(chunk)
    body += bomb.flush()
    _zip_raw_deflated(p("zip_bomb.npz"), "train_modal_1_features.npy", body, len(header) + 1536 * (1 << 20))
    data_case("npz 1.5 MB inflating to 1.5 GB", p("zip_bomb.npz"))
    _zip_raw_deflated(p("lying_size.npz"), "train_modal_1_features.npy", zlib.compress(_npy_bytes(np.zeros((1000, 100), np.float32)))[2:-4], 1000)
    data_case("npz entry larger than declared", p("lying_size.npz"))
    _zip(p("npy_huge_shape.npz"), {"train_modal_1_features.npy": _npy_with_header({"descr": "<f4", "fortran_order": False, "shape": (10**12, 10**6)}, b"\0" * 64)})
    data_case("npz npy header shape 1e18", p("npy_huge_shape.npz"))
    _zip(p("npy_bad_header.npz"), {"train_modal_1_features.npy": b"\x93NUMPY\x01\x00\xff\xff{'descr': "})
    data_case("npz npy header length beyond entry", p("npy_bad_header.npz"))
    _zip(p("npy_object.npz"), {"train_modal_1_features.npy": _npy_with_header({"descr": "|O", "fortran_order": False, "shape": (2,)}, b"\0" * 16)})
    data_case("npz object dtype", p("npy_object.npz"))
    a = _good_arrays()
    a["train_targets"] = a["train_targets"].copy()
    a["train_targets"][3] = 1_000_000_000
    _npz(p("label_1e9.npz"), a)
    data_case("npz label 1e9 in 40 rows", p("label_1e9.npz"))
    a = _good_arrays()
    a["train_targets"] = a["train_targets"].astype(np.float64)
    a["train_targets"][0] = -1
    _npz(p("label_negative.npz"), a)
    data_case("npz negative label", p("label_negative.npz"))
    a = _good_arrays()
    a["train_targets"] = a["train_targets"].astype(np.float64) + 0.5
    _npz(p("label_fraction.npz"), a)
    data_case("npz fractional labels", p("label_fraction.npz"))
    a = _good_arrays()
    a["train_modal_1_features"][5, 1] = np.nan
    _npz(p("nan_feature.npz"), a)
    data_case("npz NaN feature", p("nan_feature.npz"))
    a = _good_arrays()
    a["train_modal_2_features"] = a["train_modal_2_features"][:30]
    _npz(p("rows_differ.npz"), a)
    data_case("npz modalities with different rows", p("rows_differ.npz"))
    a = _good_arrays()
    a["train_modal_1_features"] = a["train_modal_1_features"].astype(np.complex64)
    _npz(p("complex.npz"), a)
    data_case("npz complex features", p("complex.npz"))
    a = _good_arrays()
    del a["train_modal_2_features"]
    _npz(p("one_modality.npz"), a)
    data_case("npz single modality", p("one_modality.npz"))
    _zip(p("many_entries.npz"), {f"k{i}.npy": b"" for i in range(20000)})
    data_case("npz 20 000 empty entries", p("many_entries.npz"))

    # -- npy folder
    d = p("npy_dir")
    os.makedirs(d, exist_ok=True)
    for k, v in _good_arrays().items():
        np.save(os.path.join(d, k + ".npy"), v)
    with open(os.path.join(d, "train_modal_1_features.npy"), "wb") as f:
        f.write(_npy_with_header({"descr": "<f4", "fortran_order": False, "shape": (40, 3)}, b"\0" * 10))
    data_case("npy folder truncated payload", d)

    # -- safetensors
    def st(path, header: dict, payload: bytes, declared_len=None):
        h = json.dumps(header).encode()
        n = len(h) if declared_len is None else declared_len
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", n) + h + payload)

    st(p("st_header_len.safetensors"), {}, b"", declared_len=2**62)
    data_case("safetensors header length 2^62", p("st_header_len.safetensors"))
    st(p("st_shape.safetensors"), {"train_modal_1_features": {"dtype": "F32", "shape": [10**9, 10**9], "data_offsets": [0, 16]}}, b"\0" * 16)
    data_case("safetensors shape beyond data", p("st_shape.safetensors"))
    st(p("st_offsets.safetensors"), {"train_modal_1_features": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 2**40]}}, b"\0" * 16)
    data_case("safetensors offsets beyond file", p("st_offsets.safetensors"))
    with open(p("st_json.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", 12) + b"{not json!!}")
    data_case("safetensors header not JSON", p("st_json.safetensors"))

    # -- CSV data
    def csv(name, text, *flags):
        path = p(name)
        with open(path, "w") as f:
            f.write(text)
        case("csv " + name, ["inspect", path, *flags])
        return path

    rows = "".join(f"{i},{i * 0.5},{-i},{i % 2}\n" for i in range(20))
    csv("ragged.csv", "a,b,c,y\n1,2,3,0\n4,5\n", "--modality", "1=a:a", "--modality", "2=b:c", "--label", "y")
    csv("text_cell.csv", "a,b,c,y\n1,x,3,0\n", "--modality", "1=a:a", "--modality", "2=b:c", "--label", "y")
    csv("column_twice.csv", "a,b,c,y\n" + rows, "--modality", "1=a:b", "--modality", "2=b:c", "--label", "y")
    csv("label_in_modality.csv", "a,b,c,y\n" + rows, "--modality", "1=a:a", "--modality", "2=b:y", "--label", "y")
    csv("duplicate_header.csv", "a,a,c,y\n" + rows, "--modality", "1=a:a", "--modality", "2=c:c", "--label", "y")
    csv("huge_label.csv", "a,b,c,y\n1,2,3,0\n1,2,3,4294967296\n", "--modality", "1=a:a", "--modality", "2=b:c", "--label", "y")
    csv("nan_cell.csv", "a,b,c,y\n1,nan,3,0\n2,2,2,1\n", "--modality", "1=a:a", "--modality", "2=b:c", "--label", "y")
    csv("header_only.csv", "a,b,c,y\n", "--modality", "1=a:a", "--modality", "2=b:c", "--label", "y")
    csv("binary.csv", "a,b\n\x00\xff\xfe,1\n", "--modality", "1=a:a", "--modality", "2=b:b")

    # -- joint CSV for PID
    def joint(name, text):
        path = p(name)
        with open(path, "w") as f:
            f.write(text)
        case("joint " + name, ["pid", "--joint", path])

    path = p("huge_symbols.csv")
    with open(path, "w") as f:
        f.write("x1,x2,y,p\n0,0,0,0.25\n4294967296,0,1,0.25\n0,100000,1,0.25\n4294967296,100000,0,0.25\n")
    # Valid: symbols are names, relabelled densely (this is XOR: 1 bit of synergy).
    case("joint symbols 2^32 and 100000", ["pid", "--joint", path], valid=True)
    joint("negative_p.csv", "x1,x2,y,p\n0,0,0,-1\n1,1,1,2\n")
    joint("zero_mass.csv", "x1,x2,y,p\n0,0,0,0\n")
    joint("negative_symbol.csv", "x1,x2,y,p\n-1,0,0,1\n")
    joint("nan_p.csv", "x1,x2,y,p\n0,0,0,nan\n")
    joint("many_cells.csv", "x1,x2,y,p\n" + "".join(f"{i},{i},{i},1\n" for i in range(5000)))
    case("python pid symbols 2^32", None, "interplay.pid(x1=[0, 2**32, 0, 2**32], x2=[0, 0, 100000, 100000], y=[0, 1, 1, 0])", valid=True)

    # -- models
    _built_in_models(p, case, good)
    _onnx_models(p, case, good)
    _lsmi_models_and_partials(p, case, good)

    # -- Python arguments
    for snippet in (
        "interplay.hdxor('synergy', n_samples=-5)",
        "interplay.gaussian(n_train=2.5)",
        "interplay.gaussian(n_classes=-1)",
        "interplay.lsmi(np.zeros((20, 2)), np.zeros((20, 2)), np.arange(20) % 2, folds=-3)",
        "interplay.lsmi(np.zeros((20, 2)) + 0j, np.zeros((20, 2)), np.arange(20) % 2)",
        "interplay.lsmi(np.ones((20, 2)), np.ones((20, 2)), np.r_[np.zeros(19), 1e9])",
        "interplay.lsmi(np.ones((20, 2)), np.ones((20, 2)), np.arange(20) % 2, hidden=10**12)",
        "interplay.intershap(lambda xs: np.full((len(xs[0]), 2), np.nan), [np.ones((8, 2)), np.ones((8, 2))])",
        "interplay.intershap(lambda xs: np.zeros((len(xs[0]), 2)), [np.ones((8, 2)), np.ones((8, 2))], n_background=-1)",
        "interplay.intershap(lambda xs: np.zeros((len(xs[0]), 2)), [np.ones((8, 2)), np.ones((8, 2))], seed=-1)",
        "interplay.intershap(lambda xs: np.zeros((len(xs[0]), 2)), [np.ones((8, 2)), np.ones((8, 2))], batch_size=0)",
    ):
        case("python " + snippet[:60], None, snippet)
    return cases


def _zip_raw_deflated(path: str, name: str, deflated: bytes, declared_size: int) -> None:
    """A zip with one deflated entry whose directory declares `declared_size` bytes
    (and the CRC of nothing in particular): a reader must trust neither."""
    name_b = name.encode()
    crc = 0
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated), declared_size % 2**32, len(name_b), 0) + name_b
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(deflated), declared_size % 2**32, len(name_b), 0, 0, 0, 0, 0, 0
    ) + name_b
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(deflated), 0)
    with open(path, "wb") as f:
        f.write(local + deflated + central + end)


def _safetensors_bytes(tensors: dict, metadata: dict) -> bytes:
    header, offset, payload = {"__metadata__": metadata}, 0, b""
    for k, v in tensors.items():
        b = np.ascontiguousarray(v, dtype=np.float32).tobytes()
        header[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        payload += b
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + payload


def _built_in_models(p, case, good):
    """Built-in fusion models whose metadata lie."""
    here = os.path.dirname(os.path.abspath(__file__))
    fixture = os.path.join(here, "..", "crates", "interplay", "tests", "fixtures", "intershap_early.safetensors")
    if not os.path.exists(fixture):
        return
    with open(fixture, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__")
    payload = raw[8 + n :]
    tensors = {}
    for k, v in header.items():
        a, b = v["data_offsets"]
        tensors[k] = np.frombuffer(payload[a:b], np.float32).reshape(v["shape"])

    dims = json.loads(meta["dims"])
    r = np.random.default_rng(0)
    arrays = {}
    for split in ("train", "val"):
        for k, d in enumerate(dims):
            arrays[f"{split}_modal_{k + 1}_features"] = r.normal(size=(20, d)).astype(np.float32)
        arrays[f"{split}_targets"] = np.arange(20) % 2
    good = p("good_for_model.npz")
    _npz(good, arrays)

    def model(name, meta_changes=None, tensor_fn=None):
        m = dict(meta, **(meta_changes or {}))
        t = dict(tensors)
        if tensor_fn:
            tensor_fn(t)
        path = p(name)
        with open(path, "wb") as f:
            f.write(_safetensors_bytes(t, m))
        case("model " + name, ["intershap", "--data", good, "--model", path, "--split", "val"])

    model("dims_1e12.safetensors", {"dims": "[1000000000000, 1000000000000]"})
    model("n_classes_0.safetensors", {"n_classes": "0"})
    model("n_classes_1e9.safetensors", {"n_classes": "1000000000"})
    model("dims_text.safetensors", {"dims": "[\"a\"]"})
    first = sorted(tensors)[0]
    model("missing_weight.safetensors", tensor_fn=lambda t: t.pop(first))
    model("nan_weight.safetensors", tensor_fn=lambda t: t.__setitem__(first, np.full_like(t[first], np.nan)))


def _split_safetensors(raw: bytes):
    """(metadata, header entries, payload) of a safetensors file."""
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    return header.pop("__metadata__"), header, raw[8 + n :]


def _join_safetensors(meta: dict, header: dict, payload: bytes) -> bytes:
    h = json.dumps(dict(header, __metadata__=meta)).encode()
    return struct.pack("<Q", len(h)) + h + payload


def _lsmi_models_and_partials(p, case, good):
    """Saved LSMI models whose metadata or tensors lie, and partial results (of LSMI
    scoring and InterSHAP) whose counts lie, each from a real one."""
    try:
        import interplay  # noqa: PLC0415
        from interplay import _interplay  # noqa: PLC0415
    except ImportError:
        return
    a = _good_arrays()
    x1, x2, y = a["val_modal_1_features"], a["val_modal_2_features"], a["val_targets"]
    models = interplay.lsmi_fit(a["train_modal_1_features"], a["train_modal_2_features"],
                                a["train_targets"], epochs=1, knife_epochs=1)
    meta, header, payload = _split_safetensors(models.to_bytes())

    def lsmi_models(name, meta_changes=None, header_fn=None, payload_fn=None):
        m = dict(meta, **(meta_changes or {}))
        h = json.loads(json.dumps(header))
        if header_fn:
            header_fn(h)
        body = payload_fn(payload) if payload_fn else payload
        path = p(name)
        with open(path, "wb") as f:
            f.write(_join_safetensors(m, h, body))
        case("lsmi models " + name, ["lsmi", "--data", good, "--models", path],
             f"interplay.LsmiModels.load({path!r})")

    lsmi_models("dims_1e12.safetensors", {"dims": "[1000000000000, 1000000000000]"})
    lsmi_models("dims_16m.safetensors", {"dims": "[16777216, 16777216]"})
    lsmi_models("n_classes_1e9.safetensors", {"n_classes": "1000000000"})
    lsmi_models("config_empty.safetensors", {"config": "{}"})
    lsmi_models("hidden_1e9.safetensors", {"config": meta["config"].replace('"hidden":64', '"hidden":1000000000')})
    lsmi_models("kind_fusion.safetensors", {"interplay_model": "fusion"})
    lsmi_models("shape_lie.safetensors", header_fn=lambda h: h["classifier.0"].__setitem__("shape", [10**12]))
    lsmi_models("missing_knife.safetensors", header_fn=lambda h: h.pop("knife.1"))

    def nan_knife(body: bytes) -> bytes:
        start, end = header["knife.0"]["data_offsets"]
        return body[:start] + np.full((end - start) // 8, np.nan).tobytes() + body[end:]

    lsmi_models("nan_knife.safetensors", payload_fn=nan_knife)
    truncated = p("lsmi_truncated.safetensors")
    with open(truncated, "wb") as f:
        f.write(models.to_bytes()[:200])
    case("lsmi models truncated", ["lsmi", "--data", good, "--models", truncated],
         f"interplay.LsmiModels.load({truncated!r})")

    part = json.loads(bytes(_interplay.lsmi_score(models._inner, x1, x2, y, True, None, None, 0, shard=(0, 2))["partial"]))

    def partial(name, change):
        q = json.loads(json.dumps(part))
        change(q)
        path = p(name)
        with open(path, "w") as f:
            json.dump(q, f)
        case("partial " + name, ["merge", path, "-o", p("merged.json")])

    partial("lsmi_rows_2e62.json", lambda q: q.__setitem__("total_rows", 2**62))
    partial("lsmi_shard_0_of_0.json", lambda q: q["shard"].__setitem__("count", 0))
    partial("lsmi_short_column.json", lambda q: q["entropy"][1].pop())
    partial("lsmi_no_pairs.json", lambda q: q.__setitem__("pair_pmi", []))
    partial("lsmi_classes_1e9.json", lambda q: q.__setitem__("n_classes", 10**9))
    partial("lsmi_config_hidden.json", lambda q: q["config"].__setitem__("hidden", 10**12))
    partial("lsmi_version_9.json", lambda q: q.__setitem__("version", 9))
    partial("lsmi_kind_other.json", lambda q: q.__setitem__("kind", "interplay-something"))
    partial("lsmi_one_of_two.json", lambda q: None)
    not_json = p("partial_not_json.json")
    with open(not_json, "w") as f:
        f.write('{"kind": "interplay-lsmi-partial", "pmi": [[1e999')
    case("partial not JSON", ["merge", not_json])


def _onnx_models(p, case, good):
    try:
        import onnx
        from onnx import TensorProto, helper
    except ImportError:
        return

    def save(name, graph):
        path = p(name)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        with open(path, "wb") as f:
            f.write(m.SerializeToString())
        case("onnx " + name, ["intershap", "--data", good, "--model", path, "--split", "val"])
        return path

    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 5])]
    shape = helper.make_tensor("shape", TensorProto.INT64, [1], [40_000_000_000_000])
    g = helper.make_graph(
        [helper.make_node("ConstantOfShape", ["shape"], ["big"]), helper.make_node("Identity", ["x"], ["y"])],
        "bomb",
        inputs,
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])],
        [shape],
    )
    save("constant_of_shape_4e13.onnx", g)
    for name, location in (("external_etc_passwd.onnx", "/etc/passwd"), ("external_dotdot.onnx", "../../../../etc/passwd")):
        w = TensorProto()
        w.name, w.data_type = "w", TensorProto.FLOAT
        w.dims.extend([5, 2])
        w.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", "0"), ("length", "40")):
            e = w.external_data.add()
            e.key, e.value = k, v
        g = helper.make_graph(
            [helper.make_node("MatMul", ["x", "w"], ["y"])],
            "external",
            inputs,
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
            [w],
        )
        save(name, g)
    with open(p("garbage.onnx"), "wb") as f:
        f.write(os.urandom(4096))
    case("onnx garbage", ["intershap", "--data", good, "--model", p("garbage.onnx"), "--split", "val"])
    here = os.path.dirname(os.path.abspath(__file__))
    fixture = os.path.join(here, "..", "crates", "interplay", "tests", "fixtures", "intershap_early.onnx")
    if os.path.exists(fixture):
        with open(fixture, "rb") as f:
            raw = f.read()
        with open(p("truncated.onnx"), "wb") as f:
            f.write(raw[: len(raw) // 2])
        case("onnx truncated", ["intershap", "--data", good, "--model", p("truncated.onnx"), "--split", "val"])
    _ = onnx


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "bad-inputs"
    for c in build(target):
        print(c["name"], "|", " ".join(c["cli"] or []), "|", c["py"] or "")
