"""The generators: shapes, reproducibility, known structure, errors."""

import numpy as np
import pytest

import interplay


def test_gaussian_shapes_and_seed():
    ds = interplay.gaussian(n_train=100, n_val=20, n_classes=3, seed=4)
    assert ds.names == ["train", "val"] and len(ds["train"]) == 100 and len(ds["val"]) == 20
    assert ds.dims == [3, 3] and ds.n_classes == 3
    again = interplay.gaussian(n_train=100, n_val=20, n_classes=3, seed=4)
    np.testing.assert_array_equal(ds["train"].modalities[0], again["train"].modalities[0])
    other = interplay.gaussian(n_train=100, n_val=20, n_classes=3, seed=5)
    assert not np.array_equal(ds["train"].modalities[0], other["train"].modalities[0])


def test_hdxor_keeps_bits_and_labels_are_their_xor():
    ds = interplay.hdxor("synergy", dims=[8, 6], latent_dim=10, n_samples=400, seed=0)
    assert set(ds.names) == {"train", "val", "test"}
    s = ds["train"]
    assert s.dims == [8, 6]
    bits = s.extras["bits"]
    np.testing.assert_array_equal(s.labels, (bits.sum(axis=1) == 1).astype(int))


def test_pid_discrete_xor_decomposes_to_synergy():
    ds = interplay.pid_discrete("XOR", n_train=2000, seed=0)
    s = ds["train"]
    codes = [m.argmax(axis=1) for m in s.modalities]
    r = interplay.pid(x1=codes[0], x2=codes[1], y=s.labels, units="bits")
    assert r["atoms"]["synergy"] == pytest.approx(1.0, abs=0.02)


def test_generator_errors():
    with pytest.raises(ValueError, match="uniqueness7"):
        interplay.hdxor("uniqueness7")
    with pytest.raises(ValueError):
        interplay.gaussian(rho=1.0)
    with pytest.raises(ValueError, match="NOPE"):
        interplay.pid_discrete("NOPE")
