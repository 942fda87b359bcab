"""One schema on every surface.

* The CLI's ``--json`` of every command validates against docs/schema/.
* LSMI, InterSHAP and PID through the CLI and through Python on the same data give
  the same document (keys and values to 1e-12).
* ``compare`` and ``intershap`` agree exactly for the same seed.
* An explicit background is used as given: InterSHAP over a 150-row background equals
  an exact numpy oracle over those 150 rows.
"""

from __future__ import annotations

import json
import math
import os
import subprocess

import numpy as np
import pytest

import interplay
from _cli import cli_binary
from conftest import REPO, exact_intershap

jsonschema = pytest.importorskip("jsonschema")

SCHEMAS = os.path.join(REPO, "docs", "schema")


def cli(*args, cwd):
    out = subprocess.run([cli_binary(), "-q", *map(str, args)], cwd=cwd, capture_output=True, text=True)
    assert out.returncode == 0, f"{args}: {out.stderr}"
    return out.stdout


def cli_json(*args, cwd, name="out.json"):
    cli(*args, "--json", name, cwd=cwd)
    with open(os.path.join(cwd, name)) as f:
        return json.load(f)


def validate(doc, method):
    with open(os.path.join(SCHEMAS, f"{method}.schema.json")) as f:
        schema = json.load(f)
    jsonschema.validate(doc, schema)
    assert doc["method"] == method and doc["schema_version"] == 1


def assert_same(a, b, path="$"):
    """The same keys everywhere and the same values (floats to 1e-12)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{path}: keys {sorted(a)} vs {sorted(b)}"
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=0, abs_tol=1e-12), f"{path}: {a} vs {b}"
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """A small HD-XOR file, a model trained on it, a Gaussian file and a joint table."""
    d = tmp_path_factory.mktemp("surfaces")
    cli("generate", "hd-xor", "--setting", "synergy", "--samples", "600", "--dims", "6,4", "-o", "hd.npz", cwd=d)
    cli("train", "--data", "hd.npz", "-o", "m.safetensors", "--epochs", "20", "--batch-size", "64", "--lr", "0.003", cwd=d)
    cli("generate", "gaussian", "--n-train", "300", "--n-val", "120", "-o", "g.npz", cwd=d)
    cli("generate", "pid-discrete", "--dist", "and", "--table-csv", "and.csv", cwd=d)
    return d


def test_every_command_json_validates_against_its_schema(work):
    common = ["--data", "hd.npz", "--model", "m.safetensors"]
    docs = {
        "lsmi": cli_json("lsmi", "--data", "g.npz", "--epochs-discriminator", "2", "--epochs-entropy", "2", cwd=work),
        "intershap": cli_json("intershap", *common, "--background", "20", cwd=work),
        "pid": cli_json("pid", "--joint", "and.csv", cwd=work),
        "emap": cli_json("emap", *common, "--subsample", "40", cwd=work),
        "shape": cli_json("shape", *common, "--background", "20", cwd=work),
        "compare": cli_json("compare", *common, "--background", "20", "--emap-samples", "40", "--clusters", "5", cwd=work),
        "train": cli_json("train", "--data", "hd.npz", "-o", "t.safetensors", "--epochs", "2", cwd=work),
    }
    docs["pid (data)"] = cli_json("pid", "--data", "hd.npz", "--clusters", "4", "--pca", "2", cwd=work)
    for name, doc in docs.items():
        validate(doc, name.split()[0])
    # A document with a wrong type must fail, or the validation proves nothing.
    broken = dict(docs["pid"], atoms={"redundancy": "high"})
    with pytest.raises(jsonschema.ValidationError):
        validate(broken, "pid")


def test_lsmi_cli_and_python_give_the_same_document(work):
    doc = cli_json("lsmi", "--data", "g.npz", "--epochs-discriminator", "3", "--epochs-entropy", "3", "--seed", "4", cwd=work)
    ds = interplay.load(os.path.join(work, "g.npz"))
    tr, va = ds["train"], ds["val"]
    r = interplay.lsmi(
        *tr.modalities, tr.labels, x1_eval=va.modalities[0], x2_eval=va.modalities[1], y_eval=va.labels,
        epochs=3, knife_epochs=3, seed=4,
    )
    assert_same(doc, r.summary)
    validate(r.summary, "lsmi")


def test_intershap_cli_and_python_give_the_same_document(work):
    doc = cli_json("intershap", "--data", "hd.npz", "--model", "m.safetensors", "--background", "30", "--seed", "3", cwd=work)
    ds = interplay.load(os.path.join(work, "hd.npz"))
    r = interplay.intershap(
        os.path.join(work, "m.safetensors"), ds["val"].modalities, background=ds["train"].modalities,
        n_background=30, seed=3, labels=ds["val"].labels,
    )
    assert_same(doc, r.summary)
    validate(r.summary, "intershap")


def test_pid_cli_and_python_give_the_same_document(work):
    doc = cli_json("pid", "--joint", "and.csv", "--units", "nats", cwd=work)
    rows = np.loadtxt(os.path.join(work, "and.csv"), delimiter=",", skiprows=1)
    joint = np.zeros([int(rows[:, k].max()) + 1 for k in range(3)])
    for a, b, y, p in rows:
        joint[int(a), int(b), int(y)] += p
    r = interplay.pid(joint, units="nats")
    assert_same(doc, r)
    validate(r, "pid")


def test_compare_and_intershap_agree_exactly(work):
    common = ["--data", "hd.npz", "--model", "m.safetensors", "--background", "25", "--seed", "5"]
    inter = cli_json("intershap", *common, "--split", "test", cwd=work, name="i.json")
    comp = cli_json("compare", *common, "--split", "test", "--emap-samples", "30", "--clusters", "5", cwd=work, name="c.json")
    assert comp["intershap"]["settings"] == inter["settings"]
    first = inter["outputs"][0]
    for key in ("global", "mean_matrix", "mean_shapley", "base_value", "local_mean"):
        assert comp["intershap"][key] == first[key], key


def test_an_explicit_background_is_used_whole(mlp3):
    rng = np.random.default_rng(11)
    xs = [rng.normal(size=(12, d)).astype(np.float32) for d in (2, 3, 2)]
    bg = [rng.normal(size=(150, d)).astype(np.float32) for d in (2, 3, 2)]
    r = interplay.intershap(mlp3, xs, background=bg)
    assert r.summary["settings"]["background_rows"] == 150
    np.testing.assert_allclose(r.phi, exact_intershap(mlp3, xs, bg), atol=1e-6)


@pytest.fixture
def mlp3():
    from conftest import NumpyMlp

    return NumpyMlp([2, 3, 2], hidden=12, classes=3, seed=3)


def test_experiment_report_matches_its_schema(tmp_path):
    doc = cli_json(
        "experiment", "intershap-hdxor", "--modalities", "2", "--settings", "uniqueness",
        "--samples", "400", "--epochs", "2", "--seeds", "1", "--explained", "20", "--with-baselines",
        cwd=str(tmp_path),
    )
    validate(doc, "experiment")
    assert [r["model"] for r in doc["rows"]] == ["early", "xor-function"]
