"""Python arrays are checked by the library's one split constructor, so a bad array is
refused with the same words as a bad file given to the command line: NaN/Inf with the
first place, row counts that differ, labels that are not class ids."""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest

import interplay
from _cli import cli_binary
from conftest import REPO

def _arrays(n=20):
    rng = np.random.default_rng(0)
    x1 = rng.normal(size=(n, 3)).astype(np.float32)
    x2 = rng.normal(size=(n, 2)).astype(np.float32)
    y = np.arange(n) % 2
    x1[5, 1] = np.nan
    return x1, x2, y


@pytest.fixture(scope="module")
def file_message(tmp_path_factory):
    """What the command line prints for the same NaN in a file."""
    x1, x2, y = _arrays()
    path = tmp_path_factory.mktemp("nan") / "nan.npz"
    np.savez(path, train_modal_1_features=x1, train_modal_2_features=x2, train_targets=y)
    out = subprocess.run([cli_binary(), "inspect", str(path)], capture_output=True, text=True)
    assert out.returncode == 2, out
    message = out.stderr.strip()
    assert "key 'train_modal_1_features' has 1 non-finite value" in message
    # The Python reader reads the file with the same words.
    with pytest.raises(ValueError) as e:
        interplay.load(path)
    assert message.endswith(str(e.value)), (message, str(e.value))
    return message


def _problem(message: str, subject: str) -> str:
    """The message after its subject (the array's name)."""
    assert subject in message, (subject, message)
    return message[message.index(subject) + len(subject) :].strip()


def test_nan_in_lsmi_arrays_reads_like_the_cli(file_message):
    x1, x2, y = _arrays()
    with pytest.raises(ValueError) as e:
        interplay.lsmi(x1, x2, y, folds=2, epochs=1, knife_epochs=1)
    assert str(e.value).startswith("x1 has 1 non-finite value")
    assert _problem(str(e.value), "x1") == _problem(file_message, "key 'train_modal_1_features'")


def test_nan_in_intershap_inputs_reads_like_the_cli(file_message):
    x1, x2, _ = _arrays()
    with pytest.raises(ValueError) as e:
        interplay.intershap(lambda xs: np.zeros((len(xs[0]), 2)), [x1, x2])
    assert _problem(str(e.value), "inputs[0]") == _problem(file_message, "key 'train_modal_1_features'")


def test_nan_message_names_the_place():
    # Independent of the CLI binary: the words the readers use.
    x1, x2, y = _arrays()
    with pytest.raises(ValueError) as e:
        interplay.lsmi(x1, x2, y, folds=2, epochs=1, knife_epochs=1)
    assert "non-finite value (NaN/Inf); the first is" in str(e.value)
    assert "at row 5, column 1" in str(e.value)


def test_infinity_and_ragged_arrays_are_refused_by_the_same_checks():
    x1, x2, y = _arrays()
    x1[5, 1] = 1.0
    x2[3, 0] = np.inf
    with pytest.raises(ValueError, match=r"x2 has 1 non-finite value \(NaN/Inf\); the first is inf at row 3, column 0"):
        interplay.lsmi(x1, x2, y, folds=2, epochs=1, knife_epochs=1)
    with pytest.raises(ValueError, match="x2 has 19 rows but x1 has 20"):
        interplay.lsmi(x1, x2[:19], y, folds=2)
    with pytest.raises(ValueError, match="inputs\\[1\\] has 19 rows but inputs\\[0\\] has 20"):
        interplay.intershap(lambda xs: np.zeros((len(xs[0]), 2)), [x1, x2[:19]])
    with pytest.raises(ValueError, match="label at row 2 is 2.5, not an integer class id"):
        interplay.lsmi(x1, np.zeros((20, 2)), np.where(np.arange(20) == 2, 2.5, 0.0), folds=2)
