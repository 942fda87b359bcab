#!/usr/bin/env python3
"""Check that `make test` compiles the dependency tree once.

`make test` builds the workspace's tests, then the library alone without its default
features (test-lean), then the Python extension alone (maturin), all in one target
directory. Cargo reuses a compiled crate only when the unit is identical: same
features, profile, host-or-target platform and, recursively, dependencies. One
differing feature (say `extra-traits` on the proc-macros' syn) recompiles every
crate above it, up to the whole tract/gemm/candle tree.

This asks cargo for the unit graph of each build (`--unit-graph`, no compilation;
RUSTC_BOOTSTRAP=1 lets stable cargo take the flag) and names every dependency unit
of the lean and Python builds that the workspace build does not already produce.
Fix one by switching the feature on in that package's manifest (see the comments
in crates/interplay/Cargo.toml and bindings/python/Cargo.toml).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

CARGO = os.environ.get("CARGO", "cargo")

BUILDS = {
    "workspace tests": ["test", "--release", "--workspace", "--no-run"],
    "test-lean": ["test", "--release", "-p", "interplay", "--no-default-features", "--lib", "--no-run"],
    "Python extension": ["build", "--release", "-p", "interplay-python", "--lib"],
}


def unit_graph(args: list[str]) -> list[dict]:
    env = dict(os.environ, RUSTC_BOOTSTRAP="1")
    cmd = [CARGO, *args, "--locked", "-Z", "unstable-options", "--unit-graph"]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["units"]


def unit_keys(units: list[dict]) -> list[tuple[str, str]]:
    """(readable name, identity hash) of every unit; the hash covers what cargo's
    own unit hash covers, dependencies included."""
    memo: dict[int, str] = {}

    def key(i: int) -> str:
        if i not in memo:
            u = units[i]
            own = [u["pkg_id"], u["target"]["name"], u["target"]["kind"], u["mode"],
                   u["platform"], sorted(u["features"]), u["profile"]]
            deps = sorted(key(d["index"]) for d in u["dependencies"])
            memo[i] = hashlib.sha256(json.dumps([own, deps], sort_keys=True).encode()).hexdigest()
        return memo[i]

    return [(units[i]["pkg_id"], key(i)) for i in range(len(units))]


def main() -> int:
    graphs = {name: unit_keys(unit_graph(args)) for name, args in BUILDS.items()}
    workspace = graphs.pop("workspace tests")
    built = {k for _, k in workspace}
    packages = {n for n, _ in workspace}
    status = 0
    for name, keys in graphs.items():
        # A crate the workspace build also compiles, but as another unit. (The
        # workspace's own crates are compiled again on purpose: other features,
        # another crate type; crates only the Python build needs, pyo3, once.)
        twice = sorted({p.split("#")[-1] for p, k in keys
                        if k not in built and p in packages and not p.startswith("path+")})
        if twice:
            status = 1
            print(f"error: the {name} build would compile these again: {', '.join(twice)}", file=sys.stderr)
    if status == 0:
        print("one compile of the dependency tree: the lean and Python builds reuse the workspace build's crates")
    return status


if __name__ == "__main__":
    sys.exit(main())
