"""interplay.lsmi: per-sample atoms, their identities, units, pandas export, errors."""

from __future__ import annotations

import numpy as np
import pytest

import interplay

FAST = dict(epochs=4, knife_epochs=4, seed=0)


def gaussian(rng, n=240):
    """Two noisy views of a 2-class label: each modality carries part of the label."""
    y = rng.integers(0, 2, size=n)
    x1 = (y[:, None] * 1.5 + rng.normal(size=(n, 3))).astype(np.float32)
    x2 = (y[:, None] * 1.0 + rng.normal(size=(n, 2))).astype(np.float32)
    return x1, x2, y


@pytest.fixture(scope="module")
def result():
    x1, x2, y = gaussian(np.random.default_rng(0))
    return interplay.lsmi(x1, x2, y, folds=2, **FAST)


def test_atoms_add_up_per_sample(result):
    r = result
    assert len(r) == 240 and r.units == "nats"
    np.testing.assert_allclose(r.redundancy + r.uniqueness_1, r.pmi_1, atol=1e-9)
    np.testing.assert_allclose(r.redundancy + r.uniqueness_2, r.pmi_2, atol=1e-9)
    total = r.redundancy + r.uniqueness_1 + r.uniqueness_2 + r.synergy
    np.testing.assert_allclose(total, r.pmi_12, atol=1e-9)
    # Modality 1 is the more informative view of the label.
    assert r.pmi_1.mean() > 0.05


def test_summary_is_the_cli_json(result):
    s = result.summary
    pair = s["pairs"][0]
    for key in ("redundancy", "uniqueness_1", "uniqueness_2", "synergy"):
        assert s["atoms"][key] == pytest.approx(float(np.mean(getattr(result, key))), abs=1e-9)
        assert pair["adjusted"][key] == s["atoms"][key]
    assert s["units"] == "nats" and s["n"] == 240 and s["n_classes"] == 2
    assert s["method"] == "lsmi" and s["schema_version"] == 1
    assert pair["mi"]["x1_y"] == pytest.approx(float(result.pmi_1.mean()), abs=1e-9)
    assert set(pair["raw"]) == {"redundancy", "uniqueness_1", "uniqueness_2", "synergy"}


def test_bits_are_nats_over_ln2():
    x1, x2, y = gaussian(np.random.default_rng(0))
    nats = interplay.lsmi(x1, x2, y, folds=2, **FAST)
    bits = interplay.lsmi(x1, x2, y, folds=2, units="bits", **FAST)
    np.testing.assert_allclose(bits.synergy, nats.synergy / np.log(2), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(nats.redundancy, interplay.lsmi(x1, x2, y, folds=2, **FAST).redundancy)


def test_eval_set_and_pandas():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    x1, x2, y = gaussian(rng)
    e1, e2, ey = gaussian(rng, n=50)
    r = interplay.lsmi(x1, x2, y, x1_eval=e1, x2_eval=e2, y_eval=ey, **FAST)
    df = r.to_pandas()
    assert isinstance(df, pd.DataFrame) and df.shape == (50, 9)
    assert list(df.columns[:4]) == ["redundancy", "uniqueness_1", "uniqueness_2", "synergy"]
    assert df.attrs["units"] == "nats"


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(y=np.zeros(10, dtype=int)), "y has 10 rows but x1 has 240"),
        (dict(x1=np.full((240, 3), np.nan)), "NaN"),
        (dict(y=np.full(240, 0.5)), "not an integer class id"),
        (dict(x1_eval=np.zeros((5, 3))), "together"),
        (dict(prior="flat"), "prior"),
        (dict(units="hartley"), "hartley"),
        (dict(folds=1), "folds"),
    ],
)
def test_bad_inputs_raise_value_error(change, message):
    x1, x2, y = gaussian(np.random.default_rng(0))
    args = dict(x1=x1, x2=x2, y=y, **FAST)
    args.update(change)
    with pytest.raises(ValueError, match=message):
        interplay.lsmi(args.pop("x1"), args.pop("x2"), args.pop("y"), **args)
