#!/usr/bin/env python3
"""Export an interplay built-in fusion network (.safetensors from `interplay train`)
to ONNX, so the same model can be explained through the ONNX backend.

Usage:
    export_onnx.py MODEL.safetensors OUT.onnx [--inputs concat|per-modality]

Needs PyTorch (for torch.onnx) and numpy; the safetensors file is parsed here
directly (8-byte header length, JSON header with metadata, raw little-endian data),
so the `safetensors` package is not required. The exported graph has a free batch
dimension "N" and returns logits (use `--model-output logits`).
Not run in CI: the exported test fixture is committed under
crates/interplay/tests/fixtures/.
"""

import argparse
import json
import struct

import numpy as np
import torch
from torch import nn


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    meta = header.pop("__metadata__", {})
    data = raw[8 + header_len :]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {info['dtype']}, expected F32")
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(info["shape"]).copy()
    return meta, tensors


def mlp(tensors, prefix, relu_after_last):
    """nn.Sequential of the Linear layers `{prefix}.{l}` with ReLU between them."""
    layers = []
    l = 0
    while f"{prefix}.{l}.weight" in tensors:
        w = torch.from_numpy(tensors[f"{prefix}.{l}.weight"])
        b = torch.from_numpy(tensors[f"{prefix}.{l}.bias"])
        lin = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(w)
            lin.bias.copy_(b)
        if layers:
            layers.append(nn.ReLU())
        layers.append(lin)
        l += 1
    if relu_after_last:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class Fusion(nn.Module):
    def __init__(self, meta, tensors, concat_input):
        super().__init__()
        self.dims = json.loads(meta["dims"])
        self.fusion = meta["fusion"]
        self.concat_input = concat_input
        late = self.fusion == "late"
        if self.fusion == "early":
            self.branches = nn.ModuleList()
        else:
            self.branches = nn.ModuleList(
                mlp(tensors, f"branch{m + 1}", late) for m in range(len(self.dims))
            )
        self.head = mlp(tensors, "head", False)

    def forward(self, *xs):
        if self.concat_input:
            xs = torch.split(xs[0], self.dims, dim=1)
        if len(self.branches):
            xs = [b(x) for b, x in zip(self.branches, xs)]
        return self.head(torch.cat(list(xs), dim=1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--inputs", choices=["concat", "per-modality"], default="per-modality")
    args = ap.parse_args()
    meta, tensors = read_safetensors(args.model)
    if meta.get("interplay_model") != "fusion":
        raise SystemExit(f"{args.model}: not an interplay fusion network")
    concat = args.inputs == "concat"
    net = Fusion(meta, tensors, concat).eval()
    dims = net.dims
    if concat:
        example = (torch.zeros(2, sum(dims)),)
        names = ["x"]
    else:
        example = tuple(torch.zeros(2, d) for d in dims)
        names = [f"modality_{m + 1}" for m in range(len(dims))]
    torch.onnx.export(
        net,
        example,
        args.out,
        input_names=names,
        output_names=["logits"],
        dynamic_axes={**{n: {0: "N"} for n in names}, "logits": {0: "N"}},
        opset_version=17,
        dynamo=False,
        external_data=False,
    )
    print(f"wrote {args.out} ({meta['fusion']} fusion, widths {dims}, inputs {args.inputs})")


if __name__ == "__main__":
    main()
