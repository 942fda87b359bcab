#!/usr/bin/env python3
"""Write the small PyTorch fixtures the .pt reader is tested on.

Not run in CI: the outputs are committed under crates/interplay/tests/fixtures/.
Each `NAME.pt` is a `torch.save` of a dict of tensors in the interplay key layout
({split}_modal_{k}_features, {split}_targets, extras {split}_{name}), and
`NAME.expected.npz` holds the same arrays as numpy wrote them (features as float64,
flattened per sample; labels as int64), so the test compares two independent
encodings of the same numbers.

Usage: python scripts/make_pt_fixtures.py [OUT_DIR]
"""
import os
import sys

import numpy as np
import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "crates", "interplay", "tests", "fixtures")


def save(name, tensors):
    os.makedirs(OUT, exist_ok=True)
    torch.save(tensors, os.path.join(OUT, name + ".pt"))
    expected = {}
    for key, t in tensors.items():
        a = t.detach().to(torch.float64).numpy() if t.is_floating_point() else t.numpy()
        if key.endswith("_targets"):
            expected[key] = a.astype(np.int64).reshape(-1)
        else:
            expected[key] = a.astype(np.float64).reshape(a.shape[0], -1)
    np.savez(os.path.join(OUT, name + ".expected.npz"), **expected)


def main():
    g = torch.Generator().manual_seed(7)
    n = {"train": 12, "val": 6}

    # float64 features, int32 labels, two modalities.
    d = {}
    for split, rows in n.items():
        d[f"{split}_modal_1_features"] = torch.randn(rows, 3, generator=g, dtype=torch.float64)
        d[f"{split}_modal_2_features"] = torch.randn(rows, 2, generator=g, dtype=torch.float64)
        d[f"{split}_targets"] = (torch.arange(rows) % 3).to(torch.int32)
    save("f64_int32", d)

    # Three modalities: float16, bfloat16, and a rank-3 float32 tensor saved as a
    # non-contiguous (transposed) view; int64 labels; an extra array.
    d = {}
    for split, rows in n.items():
        d[f"{split}_modal_1_features"] = torch.randn(rows, 4, generator=g).to(torch.float16)
        d[f"{split}_modal_2_features"] = torch.randn(rows, 2, generator=g).to(torch.bfloat16)
        d[f"{split}_modal_3_features"] = torch.randn(rows, 3, 2, generator=g).transpose(1, 2)
        d[f"{split}_targets"] = (torch.arange(rows) % 2).to(torch.int64)
        d[f"{split}_bits"] = torch.randint(0, 2, (rows, 5), generator=g).to(torch.float32)
    save("f16_bf16_3modal", d)

    # Integer-valued float labels (accepted) ...
    d = {}
    for split, rows in n.items():
        d[f"{split}_modal_1_features"] = torch.randn(rows, 2, generator=g)
        d[f"{split}_modal_2_features"] = torch.randn(rows, 2, generator=g)
        d[f"{split}_targets"] = (torch.arange(rows) % 2).to(torch.float32)
    save("float_labels", d)

    # ... and fractional ones (rejected).
    d["val_targets"] = d["val_targets"] + 0.5
    torch.save(d, os.path.join(OUT, "fractional_labels.pt"))

    # numpy variants of the f64_int32 fixture: compressed archive, Fortran-ordered
    # features, big-endian labels (the .npz reader must undo all three).
    ref = np.load(os.path.join(OUT, "f64_int32.expected.npz"))
    np.savez_compressed(
        os.path.join(OUT, "f64_int32.numpy_variants.npz"),
        **{k: (np.asfortranarray(v) if v.ndim == 2 else v.astype(">i4"))
           for k, v in ref.items()})


if __name__ == "__main__":
    main()
