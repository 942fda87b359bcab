"""interplay.intershap: callables, ONNX files, the efficiency identity, shap export, errors."""

from __future__ import annotations

import os

import numpy as np
import pytest

import interplay
from conftest import REPO, NumpyMlp


def data(rng, n=40, dims=(3, 4)):
    return [rng.normal(size=(n, d)).astype(np.float32) for d in dims]


def mlp_onnx(mlp: NumpyMlp, path):
    """The same network as ``mlp`` as an ONNX graph with one input per modality:
    Concat → Gemm → Relu → Gemm. Built with the onnx package from the very same
    weights, so it is an independent evaluation path (tract in Rust) of one function."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    inputs = [
        helper.make_tensor_value_info(f"x{k + 1}", TensorProto.FLOAT, ["N", d])
        for k, d in enumerate(mlp.dims)
    ]
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", mlp.w2.shape[1]])
    inits = [
        numpy_helper.from_array(mlp.w1, "w1"),
        numpy_helper.from_array(mlp.b1, "b1"),
        numpy_helper.from_array(mlp.w2, "w2"),
        numpy_helper.from_array(mlp.b2, "b2"),
    ]
    nodes = [
        helper.make_node("Concat", [i.name for i in inputs], ["x"], axis=1),
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"]),
        helper.make_node("Relu", ["h"], ["r"]),
        helper.make_node("Gemm", ["r", "w2", "b2"], ["logits"]),
    ]
    graph = helper.make_graph(nodes, "mlp", inputs, [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return str(path)


def test_callable_matches_onnx(rng, mlp, tmp_path):
    x = data(rng)
    path = mlp_onnx(mlp, tmp_path / "mlp.onnx")
    a = interplay.intershap(mlp, x, n_background=20, seed=3, returns="logits")
    b = interplay.intershap(path, x, n_background=20, seed=3, returns="logits")
    np.testing.assert_allclose(a.phi, b.phi, atol=2e-5)
    np.testing.assert_allclose(a.shapley_values, b.shapley_values, atol=2e-5)
    np.testing.assert_allclose(a.base_values, b.base_values, atol=2e-5)
    assert a.global_score == pytest.approx(b.global_score, abs=1e-4)
    assert 0.0 < a.global_score < 1.0


def test_efficiency_per_sample(rng, mlp):
    r = interplay.intershap(mlp, data(rng), n_background=25, seed=0)
    n, m = r.shapley_values.shape
    assert r.phi.shape == (n, m, m) and r.base_values.shape == (n,) and r.local.shape == (n,)
    # Σ_ij Φ_ij(a) = v(M) − v(∅) for every sample, and the rows of Φ sum to φ_i.
    np.testing.assert_allclose(r.phi.sum(axis=(1, 2)), r.predictions - r.base_values, atol=1e-6)
    np.testing.assert_allclose(r.phi.sum(axis=2), r.shapley_values, atol=1e-6)
    np.testing.assert_allclose(r.phi, np.transpose(r.phi, (0, 2, 1)), atol=1e-9)  # Φ_ij = SII_ij / 2 = Φ_ji
    assert np.all((r.local >= 0) & (r.local <= 1))
    assert r.summary["n_samples"] == n and r.summary["settings"]["background_rows"] == 25


def test_additive_model_has_no_interaction(rng):
    w1, w2 = rng.normal(size=(3, 2)), rng.normal(size=(4, 2))

    def additive(xs):
        return xs[0] @ w1 + xs[1] @ w2

    r = interplay.intershap(additive, data(rng), space="logit", output=1, returns="logits")
    # Per sample there is no interaction at all. (The global score is not checked: with
    # the inputs as background the mean matrix is ~0 and its share is 0/0 noise.)
    assert r.local.max() < 1e-5
    np.testing.assert_allclose(r.phi[:, 0, 1], 0.0, atol=1e-5)


def test_concat_callable_gets_one_array(rng, mlp):
    x = data(rng)
    seen = []

    def concat_model(z):
        seen.append(z.shape)
        return mlp(z)

    a = interplay.intershap(concat_model, x, concat=True, n_background=10)
    b = interplay.intershap(mlp, x, n_background=10)
    assert all(len(s) == 2 and s[1] == 7 for s in seen)
    np.testing.assert_allclose(a.phi, b.phi, atol=1e-6)


def test_callable_is_called_with_large_batches(rng):
    mlp = NumpyMlp([3, 4])
    interplay.intershap(mlp, data(rng, n=100), n_background=50)
    # 100 samples × 2 masked coalitions × 50 background rows = 10 000 masked rows;
    # with the default batch they must come in a handful of calls, not one per sample.
    assert mlp.rows >= 10_000
    assert mlp.calls <= 10


def test_reproducible_from_seed(rng, mlp):
    x = data(rng, n=60)
    a = interplay.intershap(mlp, x, n_background=10, seed=1)
    b = interplay.intershap(mlp, x, n_background=10, seed=1)
    c = interplay.intershap(mlp, x, n_background=10, seed=2)
    np.testing.assert_array_equal(a.phi, b.phi)
    assert not np.allclose(a.base_values, c.base_values)


def test_explicit_background_and_names(rng, mlp):
    x, bg = data(rng), data(rng, n=7)
    r = interplay.intershap(mlp, x, background=bg, modality_names=["rna", "protein"])
    assert r.summary["settings"]["background_rows"] == 7
    assert r.summary["modality_names"] == ["rna", "protein"]
    assert r.modality_names == ["rna", "protein"]


def test_to_shap_waterfall_plots(rng, mlp):
    shap = pytest.importorskip("shap")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = interplay.intershap(mlp, data(rng), modality_names=["image", "text"])
    expl = r.to_shap()
    assert expl.values.shape == r.shapley_values.shape
    assert list(expl.feature_names) == ["image", "text"]
    shap.plots.waterfall(expl[0], show=False)
    assert plt.gcf().axes
    plt.close("all")


def test_model_exception_is_reraised(rng):
    class Boom(RuntimeError):
        pass

    calls = []

    def flaky(xs):
        calls.append(1)
        if len(calls) > 1:
            raise Boom("model failed")
        return np.zeros((xs[0].shape[0], 2))

    with pytest.raises(Boom, match="model failed"):
        interplay.intershap(flaky, data(rng))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(model=42), TypeError, "callable"),
        (dict(inputs=np.zeros((5, 3))), TypeError, "list of"),
        (dict(inputs=[np.zeros((5, 3)), np.zeros((6, 4))]), ValueError, "rows"),
        (dict(inputs=[np.full((5, 3), np.nan), np.zeros((5, 4))]), ValueError, "NaN"),
        (dict(inputs=[np.zeros((5, 3))]), ValueError, "2 modalities"),
        (dict(inputs=[np.zeros((5, 3, 1)), np.zeros((5, 4))]), ValueError, "2-D"),
        (dict(space="odds"), ValueError, "space"),
        (dict(output=9), ValueError, "class 9"),
        (dict(n_background=0), ValueError, "background"),
        (dict(model="missing.onnx"), ValueError, "missing.onnx"),
        (dict(model=lambda xs: np.zeros(len(xs[0]))), ValueError, "2-D"),
        (dict(model=lambda xs: np.zeros((3, 2))), ValueError, "rows"),
        (dict(model=lambda xs: np.full((len(xs[0]), 2), np.nan)), ValueError, "NaN"),
    ],
)
def test_bad_inputs_raise_clear_errors(rng, mlp, kwargs, error, message):
    args = dict(model=mlp, inputs=data(rng, n=5))
    args.update(kwargs)
    with pytest.raises(error, match=message):
        interplay.intershap(args.pop("model"), args.pop("inputs"), **args)


FIXTURES = os.path.join(REPO, "crates", "interplay", "tests", "fixtures")


def test_fixture_onnx_as_python_callable_matches_tract_and_builtin(rng):
    """The intershap fixture (a built-in early-fusion network exported to ONNX), run three
    ways: as a Python callable through onnx's numpy reference evaluator, as the .onnx file
    (tract, in Rust) and as the built-in .safetensors model. All three must agree."""
    onnx = pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    onnx_path = os.path.join(FIXTURES, "intershap_early.onnx")
    builtin_path = os.path.join(FIXTURES, "intershap_early.safetensors")
    if not os.path.exists(onnx_path):
        pytest.skip("intershap ONNX fixture not in this checkout")
    graph = onnx.load(onnx_path)
    names = [i.name for i in graph.graph.input]
    evaluator = ReferenceEvaluator(graph)

    def callable_model(xs):
        return evaluator.run(None, dict(zip(names, xs)))[0]

    x = data(rng, n=30, dims=(6, 4))
    kw = dict(n_background=15, seed=5, returns="logits")
    a = interplay.intershap(callable_model, x, **kw)
    b = interplay.intershap(onnx_path, x, **kw)
    c = interplay.intershap(builtin_path, x, **kw)
    np.testing.assert_allclose(a.phi, b.phi, atol=1e-5)
    np.testing.assert_allclose(b.phi, c.phi, atol=1e-5)
    assert a.global_score == pytest.approx(c.global_score, abs=1e-4)


def test_a_single_column_is_a_binary_models_class_1_score(rng):
    """An N × 1 output is the probability (or logit) of class 1 of a binary model:
    the same InterSHAP as the explicit two-column [1 − p, p] (or [0, z])."""
    xs = [rng.normal(size=(30, 2)).astype(np.float32), rng.normal(size=(30, 3)).astype(np.float32)]

    def logit(v):
        return (v[0][:, :1] * v[1][:, :1] + 0.3 * v[0][:, 1:2]).astype(np.float64)

    def prob(v):
        return 1.0 / (1.0 + np.exp(-logit(v)))

    one = interplay.intershap(prob, xs, n_background=10)
    two = interplay.intershap(lambda v: np.hstack([1 - prob(v), prob(v)]), xs, n_background=10)
    np.testing.assert_allclose(one.phi, two.phi, atol=1e-6)
    assert one.global_score == pytest.approx(two.global_score, abs=1e-6)
    assert one.global_score > 0.01, "the product term must show as interaction, not a silent 0 %"
    one_logit = interplay.intershap(logit, xs, n_background=10, returns="logits")
    two_logit = interplay.intershap(
        lambda v: np.hstack([np.zeros_like(logit(v)), logit(v)]), xs, n_background=10, returns="logits"
    )
    np.testing.assert_allclose(one_logit.phi, two_logit.phi, atol=1e-6)
