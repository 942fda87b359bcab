"""interplay.torch: InterSHAP of torch models on their device equals the numpy-callable
path and a brute-force oracle; bad inputs are refused."""

from __future__ import annotations

import numpy as np
import pytest

import interplay
from conftest import exact_intershap

torch = pytest.importorskip("torch")
import interplay.torch as it  # noqa: E402


def net(dims, classes=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    d = sum(dims)
    layers = torch.nn.Sequential(torch.nn.Linear(d, 12), torch.nn.ReLU(), torch.nn.Linear(12, classes))
    with torch.no_grad():
        for p in layers.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.8)
    return layers.eval()


def data(dims, n=24, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, d)).astype(np.float32) for d in dims]


def torch_fn(module, concat):
    """The module as interplay.torch calls it: a tensor, or a list of tensors."""
    return (lambda x: module(x)) if concat else (lambda xs: module(torch.cat(xs, dim=1)))


def numpy_fn(module, concat):
    """The same module as a numpy callable of interplay.intershap."""

    def f(x):
        with torch.inference_mode():
            t = torch.from_numpy(x) if concat else torch.cat([torch.from_numpy(a) for a in x], dim=1)
            return module(t).numpy()

    return f


def same(a, b, atol=1e-6):
    np.testing.assert_allclose(a.phi, b.phi, atol=atol)
    np.testing.assert_allclose(a.shapley_values, b.shapley_values, atol=atol)
    np.testing.assert_allclose(a.base_values, b.base_values, atol=atol)
    np.testing.assert_allclose(a.predictions, b.predictions, atol=atol)
    np.testing.assert_allclose(a.local, b.local, atol=10 * atol)
    assert a.global_score == pytest.approx(b.global_score, abs=10 * atol)
    settings = [{k: v for k, v in r.summary["settings"].items() if k != "output"} for r in (a, b)]
    assert settings[0] == settings[1]


@pytest.mark.parametrize("dims", [(3, 4), (2, 3, 2), (2, 1, 2, 3)])
@pytest.mark.parametrize("concat", [True, False])
@pytest.mark.parametrize("output", ["best", "class:1"])
def test_matches_numpy_path_and_oracle(dims, concat, output):
    module = net(dims)
    xs, bg = data(dims), data(dims, n=9, seed=2)
    kw = dict(background=bg, output=output, seed=4)
    a = interplay.intershap(numpy_fn(module, concat), xs, concat=concat, **kw)
    b = it.intershap(torch_fn(module, concat), [torch.from_numpy(x) for x in xs], concat=concat, device="cpu", **kw)
    same(a, b)
    with torch.inference_mode():
        logits = module(torch.from_numpy(np.concatenate(xs, axis=1))).numpy()
    classes = logits.argmax(axis=1) if output == "best" else np.full(len(xs[0]), 1)
    np.testing.assert_allclose(b.phi, exact_intershap(numpy_fn(module, False), xs, bg, classes), atol=1e-6)
    # Intervals from the background sums equal the library's own.
    ia, ib = a.global_interval, b.global_interval
    assert ib is not None and ia.lower == pytest.approx(ib.lower, abs=1e-5)
    assert ia.upper == pytest.approx(ib.upper, abs=1e-5)


@pytest.mark.parametrize("dims", [(3, 4), (2, 3, 2)])
def test_output_all_gives_every_class(dims):
    module = net(dims, classes=3)
    xs = data(dims)
    results = it.intershap(torch_fn(module, True), xs, concat=True, output="all", n_background=10, bootstrap=0)
    assert len(results) == 3
    for k, r in enumerate(results):
        ref = interplay.intershap(numpy_fn(module, True), xs, concat=True, output=k, n_background=10, bootstrap=0)
        same(r, ref)
        assert r.summary["outputs"][k]["output"] == f"class:{k}"


def test_logit_space_and_sampled_rows_and_labels():
    dims = (3, 4)
    module = net(dims, classes=2)
    xs = data(dims, n=60)
    labels = np.arange(60) % 2
    kw = dict(n_background=17, space="logit", seed=9, labels=labels, returns="logits")
    a = interplay.intershap(numpy_fn(module, False), xs, **kw)
    b = it.intershap(torch_fn(module, False), xs, batch_size=50, **kw)
    same(a, b)
    assert b.summary["settings"]["background_rows"] == 17
    assert b.summary["accuracy"] is not None
    assert (a.summary["accuracy"], a.summary["majority_accuracy"]) == (b.summary["accuracy"], b.summary["majority_accuracy"])
    assert a.summary["model_rows"] == b.summary["model_rows"]
    assert a.warnings == b.warnings


def test_single_column_probabilities_and_batch_sizes_agree():
    dims = (2, 3)
    lin = net(dims, classes=1)

    def prob(x):
        return torch.sigmoid(lin(x))

    xs = data(dims, n=30)
    logit = numpy_fn(lin, True)
    ref = interplay.intershap(lambda z: 1 / (1 + np.exp(-logit(z))), xs, concat=True, n_background=12)
    assert ref.summary["settings"]["background_rows"] == 12
    for batch in (5, 13, 100, 10_000):
        r = it.intershap(prob, xs, concat=True, n_background=12, batch_size=batch)
        same(ref, r)


def test_float16_autocast_is_close():
    dims = (3, 4)
    module = net(dims)
    xs = data(dims)
    a = it.intershap(torch_fn(module, True), xs, concat=True, n_background=8, bootstrap=0)
    b = it.intershap(torch_fn(module, True), xs, concat=True, n_background=8, bootstrap=0, dtype=torch.bfloat16)
    np.testing.assert_allclose(a.phi, b.phi, atol=5e-2)
    assert not np.array_equal(a.phi, b.phi)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda m, xs: it.intershap(m, xs[0]), TypeError, "list of tensors"),
        (lambda m, xs: it.intershap(42, xs), TypeError, "callable"),
        (lambda m, xs: it.intershap(m, [xs[0], xs[1][:5]]), ValueError, "different numbers of rows"),
        (lambda m, xs: it.intershap(m, xs, background=[xs[1], xs[0]]), ValueError, "widths"),
        (lambda m, xs: it.intershap(m, [xs[0] * np.nan, xs[1]]), ValueError, "NaN"),
        (lambda m, xs: it.intershap(m, xs, n_background="auto"), ValueError, "auto"),
        (lambda m, xs: it.intershap(m, xs, output=7), ValueError, "class 7 does not exist"),
        (lambda m, xs: it.intershap(m, xs, dtype=torch.int8), ValueError, "dtype"),
        (lambda m, xs: it.intershap(m, xs, space="odds"), ValueError, "space"),
        (lambda m, xs: it.intershap(lambda x: torch.full((x[0].shape[0], 3), float("nan")), xs), ValueError, "NaN"),
        (lambda m, xs: it.intershap(lambda x: x[0][:3], xs), ValueError, "shape"),
        (lambda m, xs: it.intershap(lambda x: "no", xs), TypeError, "tensor"),
    ],
)
def test_bad_inputs_raise_clear_errors(call, error, message):
    dims = (3, 4)
    module = net(dims)
    xs = data(dims)
    with pytest.raises(error, match=message):
        call(torch_fn(module, False), xs)


def test_nan_in_masked_rows_only_is_refused():
    """NaN only on the masked rows that take modality 0 from the (single) background
    row and modality 1 from an input row: the unmasked passes are clean, the coalition
    values are not, and the run is refused."""
    dims = (2, 2)
    xs, bg = data(dims), data(dims, n=1, seed=5)
    z0, z1 = float(bg[0][0, 0]), float(bg[1][0, 0])

    def model(parts):
        a, b = parts
        out = torch.stack([a.sum(1), b.sum(1)], dim=1)
        masked = ((a[:, 0] == z0) & (b[:, 0] != z1)).unsqueeze(1)
        return torch.where(masked, torch.full_like(out, float("nan")), out)

    with pytest.raises(ValueError, match="NaN"):
        it.intershap(model, xs, background=bg, bootstrap=0)


def test_readme_torch_section_runs(capsys):
    """The README's ``PyTorch models on the GPU`` example runs as written."""
    import os
    import re

    from conftest import REPO

    text = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    parts = text.split("<!-- torch-quickstart -->")
    assert len(parts) == 3
    code = "\n".join(re.findall(r"```python\n(.*?)```", parts[1], flags=re.S))
    namespace: dict = {"__name__": "__readme__"}
    exec(compile(code, "README.md", "exec"), namespace)
    assert 0.0 <= namespace["r"].global_score <= 1.0
    assert len(namespace["per_class"]) == 2
    assert "InterSHAP" in capsys.readouterr().out
