"""interplay.pid: BROJA on canonical discrete distributions with known answers."""

import numpy as np
import pytest

import interplay


def xor_joint():
    p = np.zeros((2, 2, 2))
    for a in range(2):
        for b in range(2):
            p[a, b, a ^ b] = 0.25
    return p


def test_xor_is_pure_synergy():
    r = interplay.pid(xor_joint(), units="bits")
    assert r["atoms"]["synergy"] == pytest.approx(1.0, abs=1e-6)
    for k in ("redundancy", "uniqueness_1", "uniqueness_2"):
        assert r["atoms"][k] == pytest.approx(0.0, abs=1e-6)
    assert r["units"] == "bits" and r["solver"]["status"] == "optimal"
    assert r["method"] == "pid" and r["source"]["kind"] == "joint"


def test_copy_of_one_bit_from_samples_is_redundant():
    a = np.array([0, 1] * 50)
    r = interplay.pid(x1=a, x2=a, y=a, units="bits")
    assert r["atoms"]["redundancy"] == pytest.approx(1.0, abs=1e-6)
    assert r["atoms"]["synergy"] == pytest.approx(0.0, abs=1e-6)
    assert r["source"] == {"kind": "samples", "shape": [2, 2, 2], "rows": 100, "discretisation": None}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(joint=np.zeros((2, 2))), "3-D"),
        (dict(), "either joint"),
        (dict(x1=[0, 1], x2=[0, 1], y=[0]), "length"),
        (dict(x1=[0, -1], x2=[0, 1], y=[0, 1]), "class label"),
        (dict(joint=xor_joint(), solver="simplex"), "solver"),
    ],
)
def test_bad_inputs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        interplay.pid(**kwargs)


def test_options_default_to_the_library_and_name_the_valid_values():
    r = interplay.pid(xor_joint())
    assert r["units"] == "nats"
    assert r["solver"]["name"] == "newton"
    with pytest.raises(ValueError, match="newton.*clarabel"):
        interplay.pid(xor_joint(), solver="simplex")
