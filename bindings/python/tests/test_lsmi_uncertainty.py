"""interplay.lsmi: intervals of the mean atoms, refits with other seeds, warnings."""

from __future__ import annotations

import numpy as np
import pytest

import interplay

FAST = dict(epochs=4, knife_epochs=4, seed=3)
ATOMS = ("redundancy", "uniqueness_1", "uniqueness_2", "synergy")


def views(rng, n=240, scale=1.0):
    """Two noisy views of a 2-class label; modality 2 multiplied by ``scale``."""
    y = rng.integers(0, 2, size=n)
    x1 = (y[:, None] * 1.5 + rng.normal(size=(n, 3))).astype(np.float32)
    x2 = ((y[:, None] * 1.0 + rng.normal(size=(n, 2))) * scale).astype(np.float32)
    return x1, x2, y


@pytest.fixture(scope="module")
def result():
    x1, x2, y = views(np.random.default_rng(0))
    return interplay.lsmi(x1, x2, y, folds=2, **FAST)


def test_intervals_contain_the_estimates(result):
    s = result.summary
    assert result.warnings == s["warnings"]
    assert isinstance(result.warnings, list)
    assert s["settings"]["standardise"] is True
    for atom in ATOMS:
        i = result.atoms_interval[atom]
        assert i.method == "bootstrap-rows-bias-corrected" and i.level == 0.95
        assert s["atoms"][atom] in i
        assert i.lower == s["atoms_interval"][atom]["lower"]
        assert i.std_err > 0
    # The per-sample means are the estimates the intervals are about.
    assert s["atoms"]["redundancy"] == pytest.approx(result.redundancy.mean(), abs=1e-9)
    assert result.repeats is None


def test_repeats_report_the_seed_spread():
    x1, x2, y = views(np.random.default_rng(1))
    r = interplay.lsmi(x1, x2, y, folds=2, repeats=2, bootstrap=0, confidence=0.9, **FAST)
    rep = r.repeats
    assert rep["seeds"] == [3, 4]
    red = rep["pairs"][0]["adjusted"]["redundancy"]
    assert red["interval"]["method"] == "normal-rows-repeats"
    assert red["interval"]["level"] == 0.9
    assert red["between_seed_sd"] >= 0 and red["sampling_se"] > 0
    assert red["interval"]["lower"] <= red["mean"] <= red["interval"]["upper"]
    assert r.atoms_interval["redundancy"].method == "normal-rows"
    # The per-sample arrays are the first fit's: the same as a single fit.
    single = interplay.lsmi(x1, x2, y, folds=2, **FAST)
    np.testing.assert_array_equal(single.redundancy, r.redundancy)


def test_unstandardised_scales_warn():
    x1, x2, y = views(np.random.default_rng(2), scale=1e4)
    r = interplay.lsmi(x1, x2, y, folds=2, standardise=False, bootstrap=0, **FAST)
    assert r.summary["settings"]["standardise"] is False
    assert any(w.startswith("modality 2:") for w in r.warnings), r.warnings
    ok = interplay.lsmi(x1, x2, y, folds=2, bootstrap=0, **FAST)
    assert not any("modality 2" in w for w in ok.warnings), ok.warnings


def test_bad_uncertainty_options_are_rejected():
    x1, x2, y = views(np.random.default_rng(3), n=40)
    with pytest.raises(ValueError, match="repeats"):
        interplay.lsmi(x1, x2, y, folds=2, repeats=0, **FAST)
    with pytest.raises(ValueError, match="confidence"):
        interplay.lsmi(x1, x2, y, folds=2, confidence=95.0, **FAST)
