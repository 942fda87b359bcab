"""interplay.load: datasets as numpy arrays, and clear errors for bad files."""

from __future__ import annotations

import os

import numpy as np
import pytest

import interplay
from conftest import REPO


def write_npz(path, rng, n=(30, 10), dims=(3, 5)):
    arrays = {}
    for split, rows in zip(("train", "val"), n):
        for k, d in enumerate(dims, start=1):
            arrays[f"{split}_modal_{k}_features"] = rng.normal(size=(rows, d)).astype(np.float32)
        arrays[f"{split}_targets"] = rng.integers(0, 3, size=rows)
    np.savez(path, **arrays)
    return arrays


def test_load_npz_round_trip(tmp_path, rng):
    path = tmp_path / "data.npz"
    arrays = write_npz(path, rng)
    ds = interplay.load(path)
    assert ds.names == ["train", "val"]
    assert ds.n_modalities == 2 and ds.dims == [3, 5]
    assert ds.n_classes == int(max(arrays["train_targets"].max(), arrays["val_targets"].max())) + 1
    for split in ("train", "val"):
        s = ds[split]
        assert len(s) == arrays[f"{split}_targets"].shape[0]
        for k in range(2):
            assert s.modalities[k].dtype == np.float32
            np.testing.assert_array_equal(s.modalities[k], arrays[f"{split}_modal_{k + 1}_features"])
        np.testing.assert_array_equal(s.labels, arrays[f"{split}_targets"])


def test_load_reference_pt_when_present():
    path = os.path.join(REPO, "..", "shared", "reference", "lsmi_gaussian_seed42.pt")
    if not os.path.exists(path):
        pytest.skip("shared/ is not beside this checkout")
    ds = interplay.load(path)
    assert len(ds["train"]) == 1600 and len(ds["val"]) == 400
    assert ds.n_modalities == 2


def test_load_missing_file_names_it(tmp_path):
    with pytest.raises(ValueError, match="nope.npz"):
        interplay.load(tmp_path / "nope.npz")


def test_load_garbage_raises_value_error(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"this is not a zip archive")
    with pytest.raises(ValueError, match="bad.npz"):
        interplay.load(path)


def test_unknown_split_lists_the_splits(tmp_path, rng):
    path = tmp_path / "data.npz"
    write_npz(path, rng)
    with pytest.raises(KeyError, match="train, val"):
        interplay.load(path)["test"]


def test_load_reads_csv_with_the_cli_column_spec(tmp_path):
    path = tmp_path / "d.csv"
    rows = ["a,b,c,y,split"] + [f"{i},{i * 0.5},{-i},{i % 2},{'train' if i < 8 else 'val'}" for i in range(12)]
    path.write_text("\n".join(rows) + "\n")
    ds = interplay.load(path, modalities=["1=a:a", "2=b:c"], label="y", split_column="split")
    assert ds.names == ["train", "val"]
    assert ds["train"].dims == [1, 2] and len(ds["val"]) == 4
    assert list(ds["train"].labels) == [0, 1, 0, 1, 0, 1, 0, 1]
    with pytest.raises(ValueError, match="used twice"):
        interplay.load(path, modalities=["1=a:b", "2=b:c"], label="y")
