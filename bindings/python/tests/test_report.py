"""result.plot(kind=...) and interplay.report: matplotlib figures and the library's HTML page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import interplay
from _cli import cli_binary

FAST = dict(epochs=4, knife_epochs=4, seed=0)


@pytest.fixture(scope="module")
def lsmi_result():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=200)
    x1 = (y[:, None] * 1.5 + rng.normal(size=(200, 3))).astype(np.float32)
    x2 = (y[:, None] * 1.0 + rng.normal(size=(200, 2))).astype(np.float32)
    return interplay.lsmi(x1, x2, y, folds=2, **FAST)


@pytest.fixture(scope="module")
def intershap_result():
    from conftest import NumpyMlp

    rng = np.random.default_rng(1)
    mlp = NumpyMlp([3, 4, 2])
    x = [rng.normal(size=(60, d)).astype(np.float32) for d in (3, 4, 2)]
    return interplay.intershap(mlp, x, n_background=20, seed=0, returns="logits", bootstrap=50)


def test_lsmi_plots_are_figures_of_the_result(lsmi_result):
    from matplotlib.figure import Figure

    atoms = lsmi_result.plot("atoms")
    assert isinstance(atoms, Figure)
    heights = [p.get_height() for p in atoms.axes[0].patches]
    pair = lsmi_result.summary["pairs"][0]["adjusted"]
    np.testing.assert_allclose(heights, [pair[k] for k in ("redundancy", "uniqueness_1", "uniqueness_2", "synergy")])
    hist = lsmi_result.plot("hist")
    assert len(hist.axes) == 4
    for ax in hist.axes:
        assert sum(p.get_height() for p in ax.patches) == len(lsmi_result)
    scatter = lsmi_result.plot("map")
    np.testing.assert_allclose(
        scatter.axes[0].collections[0].get_offsets(), np.c_[lsmi_result.redundancy, lsmi_result.synergy]
    )
    with pytest.raises(ValueError, match="kind must be one of"):
        lsmi_result.plot("pie")


def test_intershap_waterfalls_sum_to_prediction_minus_base(intershap_result):
    r = intershap_result
    out = r.summary["outputs"][0]
    fig = r.plot("waterfall")
    bars = fig.axes[0].patches
    assert len(bars) == r.phi.shape[1] + 3  # base, M1..M3, I, prediction
    steps = sum(b.get_height() for b in bars[1:-1])
    assert steps == pytest.approx(out["prediction"] - out["base_value"], abs=1e-9)
    assert bars[0].get_height() == pytest.approx(out["base_value"])
    assert bars[-1].get_height() == pytest.approx(out["prediction"])
    one = r.plot("waterfall", sample=5).axes[0].patches
    assert sum(b.get_height() for b in one[1:-1]) == pytest.approx(r.predictions[5] - r.base_values[5], abs=1e-6)
    heat = r.plot("heatmap")
    np.testing.assert_allclose(heat.axes[0].images[0].get_array(), out["mean_matrix"])
    assert len(r.plot("pairs").axes[0].patches) == 3  # pairs of 3 modalities
    assert sum(p.get_height() for p in r.plot("local").axes[0].patches) == len(r.local)
    with pytest.raises(ValueError, match="was not explained"):
        r.plot("waterfall", sample=10_000)


def test_plot_without_matplotlib_says_what_to_install(lsmi_result, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib here")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match="needs the 'matplotlib' package"):
        lsmi_result.plot()


def _figure_data(svg_text: str) -> dict:
    root = ET.fromstring(svg_text)
    meta = root.find("{http://www.w3.org/2000/svg}metadata")
    assert meta is not None, "every figure carries its data"
    return json.loads(meta.text)["data"]


def test_report_writes_the_library_page(tmp_path, lsmi_result, intershap_result):
    path = interplay.report(tmp_path / "r.html", lsmi=lsmi_result, intershap=intershap_result, samples=[2, 4])
    html = open(path, encoding="utf-8").read()
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    for fig in ("lsmi-atoms", "lsmi-1-2-map", "intershap-heatmap", "intershap-pairs", "intershap-sample-2", "intershap-sample-4"):
        assert f'id="fig-{fig}"' in html, fig
    # Every inline SVG parses as XML and the dataset waterfall sums up.
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == html.count("<figure ")
    datas = [_figure_data(s) for s in svgs]
    out = intershap_result.summary["outputs"][0]
    waterfalls = [d for d in datas if d["kind"] == "waterfall"]
    assert waterfalls[0]["start"] == pytest.approx(out["base_value"])
    assert waterfalls[0]["start"] + sum(s["delta"] for s in waterfalls[0]["steps"]) == pytest.approx(out["prediction"])
    for w, i in zip(waterfalls[1:], (2, 4)):
        assert w["end"] - w["start"] == pytest.approx(intershap_result.predictions[i] - intershap_result.base_values[i], abs=1e-6)
    assert [f for f in os.listdir(tmp_path)] == ["r.html"], "no temporary file left"
    with pytest.raises(ValueError, match="was not explained"):
        interplay.report(tmp_path / "bad.html", intershap=intershap_result, samples=[10_000])
    assert not (tmp_path / "bad.html").exists()
    with pytest.raises(ValueError, match="give an LsmiResult"):
        interplay.report(tmp_path / "none.html")


def test_cli_figures_are_svg_files_with_their_data(tmp_path):
    exe = cli_binary()
    run = lambda *a: subprocess.run([exe, "--quiet", *a], cwd=tmp_path, check=True, capture_output=True)
    run("generate", "hd-xor", "--setting", "synergy", "--samples", "300", "-o", "d.npz")
    run("train", "--data", "d.npz", "-o", "m.safetensors", "--epochs", "2")
    run("intershap", "--data", "d.npz", "--model", "m.safetensors", "--split", "test", "--json", "i.json", "--per-sample", "i.csv")
    run("report", "--from", "i.json,i.csv", "-o", "r.html", "--figures", "figs")
    report = json.load(open(tmp_path / "i.json"))["outputs"][0]
    files = sorted(os.listdir(tmp_path / "figs"))
    assert "intershap-waterfall.svg" in files and len(files) >= 5
    for name in files:
        data = _figure_data(open(tmp_path / "figs" / name, encoding="utf-8").read())
        if name == "intershap-waterfall.svg":
            total = data["start"] + sum(s["delta"] for s in data["steps"])
            assert total == pytest.approx(report["prediction"], abs=1e-12)
            assert data["end"] == pytest.approx(report["prediction"])


def test_names_and_titles_are_escaped(tmp_path, mlp):
    """Modality names and titles are the caller's text: the page and its SVGs stay well-formed."""
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(30, d)).astype(np.float32) for d in (3, 4)]
    r = interplay.intershap(mlp, x, n_background=10, returns="logits", bootstrap=0, modality_names=["a<b & 'c'", 'd"e>'])
    html = open(interplay.report(tmp_path / "r.html", intershap=r, title="t<i>t"), encoding="utf-8").read()
    assert "<i>" not in html and "t&lt;i&gt;t" in html
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert svgs
    for svg in svgs:
        ET.fromstring(svg)
    assert any("a<b & 'c'" in d.get("labels", []) for d in map(_figure_data, svgs))


def test_readme_shows_a_small_screenshot_of_the_report():
    from conftest import REPO

    readme = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    assert "](docs/report.png)" in readme
    png = open(os.path.join(REPO, "docs", "report.png"), "rb").read()
    assert png.startswith(b"\x89PNG") and len(png) <= 200_000
