"""interplay.intershap intervals: present, consistent with the summary, auto background,
warnings, and the same numbers as the CLI's JSON for the same model and rows."""

from __future__ import annotations

import numpy as np
import pytest

import interplay


def xor_model(xs):
    """Probability of class 1: main effects of both modalities' first features plus a
    smooth XOR of them (an interaction share well inside (0, 1), where the interval
    shrinks as 1/√N; a pure XOR sits at the boundary, where it shrinks faster)."""
    a, b = np.tanh(3 * xs[0][:, 0]), np.tanh(3 * xs[1][:, 0])
    p = 0.5 + 0.15 * a + 0.1 * b + 0.2 * a * b
    return np.stack([1 - p, p], axis=1)


def inputs(n, seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, 2)).astype(np.float32), rng.normal(size=(n, 3)).astype(np.float32)]


def test_global_interval_brackets_the_estimate():
    r = interplay.intershap(xor_model, inputs(300, 0), background=inputs(200, 1), seed=3)
    iv = r.global_interval
    assert iv is not None and iv.method == "bootstrap-rows-background" and iv.level == 0.95
    assert r.global_score in iv
    assert 0 < iv.half_width < 0.2
    assert r.summary["global_interval"]["lower"] == iv.lower
    assert r.pair_intervals[0] == iv  # one pair: its share is the global score
    assert r.warnings == r.summary["warnings"]
    assert "[" in repr(r)


def test_interval_narrows_with_more_rows():
    small = interplay.intershap(xor_model, inputs(100, 0), background=inputs(100, 1), seed=0)
    large = interplay.intershap(xor_model, inputs(1600, 0), background=inputs(1600, 1), seed=0)
    ratio = large.global_interval.half_width / small.global_interval.half_width
    assert 0.15 < ratio < 0.4, ratio  # 1/√16 = 0.25


def test_bootstrap_off_and_confidence_level():
    off = interplay.intershap(xor_model, inputs(50, 0), bootstrap=0)
    assert off.global_interval is None
    r90 = interplay.intershap(xor_model, inputs(200, 0), confidence=0.9, seed=1)
    r99 = interplay.intershap(xor_model, inputs(200, 0), confidence=0.99, seed=1)
    assert r90.global_interval.level == 0.9
    assert r99.global_interval.half_width > r90.global_interval.half_width


def test_auto_background_reports_its_rounds():
    r = interplay.intershap(
        xor_model, inputs(400, 0), background=inputs(3000, 1), n_background="auto", ci_target=4.0
    )
    auto = r.summary["settings"]["auto_background"]
    assert auto["target"] == pytest.approx(0.04)
    assert auto["rounds"][0]["background_rows"] == 100
    assert auto["rounds"][-1]["background_rows"] == r.summary["settings"]["background_rows"]


def test_small_background_warns():
    r = interplay.intershap(xor_model, inputs(2000, 0), background=inputs(8, 1), seed=0)
    assert any("background rows alone" in w for w in r.warnings), r.warnings


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"confidence": 95}, ValueError),
        ({"confidence": "high"}, TypeError),
        ({"bootstrap": -1}, ValueError),
        ({"bootstrap": 10}, ValueError),
        ({"ci_target": 0}, ValueError),
        ({"n_background": "most"}, ValueError),
        ({"n_background": "auto", "bootstrap": 0}, ValueError),
    ],
)
def test_bad_interval_settings(kwargs, error):
    with pytest.raises(error):
        interplay.intershap(xor_model, inputs(20, 0), **kwargs)


def test_labels_give_accuracy_and_the_majority_warning():
    xs = inputs(200, 0)
    y = (xs[0][:, 0] > 0).astype(np.int64)
    wrong = interplay.intershap(lambda b: xor_model(b)[:, ::-1].copy(), xs, labels=1 - y, seed=0)
    assert wrong.summary["accuracy"] is not None
    right = interplay.intershap(xor_model, xs, labels=y, seed=0)
    assert right.summary["accuracy"] > right.summary["majority_accuracy"]
    assert not any("majority" in w for w in right.warnings)
    flipped = interplay.intershap(xor_model, xs, labels=1 - y, seed=0)
    assert flipped.summary["accuracy"] < flipped.summary["majority_accuracy"]
    assert any("majority-class rate" in w for w in flipped.warnings), flipped.warnings
    with pytest.raises(ValueError):
        interplay.intershap(xor_model, xs, labels=y[:10])
