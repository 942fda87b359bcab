"""interplay.lsmi_fit / LsmiModels: fit once, score later. Scoring with the fitted
models equals interplay.lsmi with an evaluation set; the models survive a file, pickle
(how Ray ships them) and the CLI's --save-models file; bad files and rows are
ValueErrors."""

from __future__ import annotations

import json
import pickle
import subprocess

import numpy as np
import pytest

import interplay
from _cli import cli_binary
from interplay._lsmi import PER_SAMPLE

OPTIONS = dict(seed=5, epochs=4, knife_epochs=3)


def _rows(n, seed):
    r = np.random.default_rng(seed)
    y = r.integers(0, 2, n)
    x1 = (y[:, None] + r.normal(0, 0.8, (n, 2))).astype(np.float32)
    x2 = (y[:, None] * (r.random((n, 1)) < 0.7) + r.normal(0, 0.8, (n, 1))).astype(np.float32)
    return x1, x2, y


def _same(a, b):
    for name in PER_SAMPLE:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_fit_then_score_equals_lsmi_with_an_evaluation_set(tmp_path):
    train, val = _rows(200, 1), _rows(57, 2)
    direct = interplay.lsmi(*train, x1_eval=val[0], x2_eval=val[1], y_eval=val[2],
                            bootstrap=100, **OPTIONS)
    models = interplay.lsmi_fit(*train, **OPTIONS)
    assert models.dims == [2, 1] and models.n_classes == 2
    scored = models.score(*val, bootstrap=100)
    _same(direct, scored)
    assert scored.summary["pairs"] == direct.summary["pairs"]
    assert scored.atoms_interval == direct.atoms_interval
    # A file and a pickle give the same models.
    path = tmp_path / "models.safetensors"
    models.save(path)
    loaded = interplay.LsmiModels.load(path)
    assert loaded.fingerprint == models.fingerprint
    _same(loaded.score(*val, bootstrap=100), scored)
    unpickled = pickle.loads(pickle.dumps(models))
    assert unpickled.fingerprint == models.fingerprint
    raw = pickle.loads(pickle.dumps(models._inner))
    assert raw.fingerprint == models.fingerprint
    assert interplay.LsmiModels.from_bytes(models.to_bytes()).fingerprint == models.fingerprint
    # Without the shift, the atoms are the raw ones, still summing to the PMIs.
    raw_atoms = models.score(*val, adjust=False, bootstrap=0)
    total = raw_atoms.redundancy + raw_atoms.uniqueness_1 + raw_atoms.uniqueness_2 + raw_atoms.synergy
    np.testing.assert_allclose(total, raw_atoms.pmi_12, atol=1e-9)


def test_models_saved_by_the_cli_score_in_python(tmp_path):
    train, val = _rows(150, 3), _rows(40, 4)
    data = tmp_path / "d.npz"
    np.savez(data, train_modal_1_features=train[0], train_modal_2_features=train[1],
             train_targets=train[2], val_modal_1_features=val[0],
             val_modal_2_features=val[1], val_targets=val[2])
    path = tmp_path / "m.safetensors"
    out = tmp_path / "r.json"
    cli = [cli_binary(), "-q", "lsmi", "--data", str(data), "--save-models", str(path),
           "--epochs-discriminator", "3", "--epochs-entropy", "2", "--bootstrap", "100",
           "--json", str(out)]
    subprocess.run(cli, check=True, capture_output=True)
    report = json.loads(out.read_text())
    scored = interplay.LsmiModels.load(path).score(*val, bootstrap=100)
    assert scored.summary["pairs"] == report["pairs"]


def test_bad_models_and_rows_are_value_errors(tmp_path):
    models = interplay.lsmi_fit(*_rows(100, 5), **OPTIONS)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    with pytest.raises(ValueError, match="bad.safetensors"):
        interplay.LsmiModels.load(bad)
    with pytest.raises(ValueError, match="LSMI models"):
        interplay.LsmiModels.from_bytes(b"junk")
    x1, x2, y = _rows(20, 6)
    with pytest.raises(ValueError, match="widths"):
        models.score(x1, np.hstack([x2, x2]), y)
    with pytest.raises(ValueError, match="label"):
        models.score(x1, x2, y + 5)
    with pytest.raises(ValueError):
        models.score(x1, x2, y, confidence=1.5)
    with pytest.raises(ValueError, match="bootstrap"):
        models.score(x1, x2, y, bootstrap=-1)
