"""interplay.pid: the label-shuffle null, its p-values and its warnings."""

import numpy as np

import interplay


def random_samples(seed, n=400):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 6, n), rng.integers(0, 6, n), rng.integers(0, 2, n)


def test_random_labels_give_a_synergy_that_is_not_significant():
    significant = 0
    for seed in range(20):
        x1, x2, y = random_samples(seed)
        r = interplay.pid(x1=x1, x2=x2, y=y, units="bits", shuffles=60, seed=seed)
        assert isinstance(r, interplay.PidResult) and isinstance(r, dict)
        assert isinstance(r.warnings, list) and r.warnings == r["warnings"]
        null = r.null
        assert null is not None and null["shuffles"] == 60 and null["alpha"] == 0.05
        s = null["synergy"]
        assert s["observed"] == r["atoms"]["synergy"]
        assert abs(s["corrected"] - (s["observed"] - s["null_mean"])) < 1e-12
        assert s["null_mean"] > 0.0
        significant += s["significant"]
    assert significant <= 2, significant
    # Plug-in synergy of noise is most of I(X1,X2;Y): the warning says so.
    assert any("random labels give" in w for w in r.warnings), r.warnings


def test_xor_synergy_is_significant_and_the_null_is_seeded():
    rng = np.random.default_rng(1)
    x1, x2 = rng.integers(0, 2, 300), rng.integers(0, 2, 300)
    r = interplay.pid(x1=x1, x2=x2, y=x1 ^ x2, units="bits", seed=3)
    assert r.null["shuffles"] == 200
    assert r.null["synergy"]["significant"] and r.null["synergy"]["p_value"] == 1 / 201
    assert r.warnings == []
    assert interplay.pid(x1=x1, x2=x2, y=x1 ^ x2, units="bits", seed=3).null == r.null


def test_a_given_table_or_zero_shuffles_has_no_null():
    p = np.full((2, 2, 2), 0.125)
    assert interplay.pid(p).null is None
    x1, x2, y = random_samples(0, 100)
    assert interplay.pid(x1=x1, x2=x2, y=y, shuffles=0).null is None


def test_too_few_shuffles_are_refused():
    x1, x2, y = random_samples(0, 100)
    try:
        interplay.pid(x1=x1, x2=x2, y=y, shuffles=5)
    except ValueError as e:
        assert "at least 20" in str(e)
    else:
        raise AssertionError("5 shuffles accepted")
