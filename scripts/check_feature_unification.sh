#!/bin/sh
# `make test` compiles the workspace's tests, then the Python extension on its own
# (maturin builds bindings/python alone), in one target directory. Cargo reuses a
# compiled crate only when its feature set is identical, so every crate of the
# extension's graph must have the features the workspace build gives it; one
# differing feature (on syn, half, flate2, ...) recompiles that crate and all that
# depend on it, up to the whole tract/gemm tree. This compares the two resolved
# graphs with `cargo tree` (no compilation) and lists the crates that would be
# built twice. Fix a difference by switching the feature on in
# bindings/python/Cargo.toml (see the comment there).
set -eu
CARGO=${CARGO:-cargo}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
graph() {
    # cargo first on its own, so that a failure of cargo (not only of sort) stops us.
    "$CARGO" tree --locked -e normal,build "$@" -f '{p}|{f}' --prefix none --no-dedupe > "$tmp/raw"
    sed "s/ (\\*)\$//; s/ (proc-macro)//" "$tmp/raw" | sort -u
}
graph --workspace -e dev > "$tmp/workspace"
graph -p interplay-python > "$tmp/python"
if comm -13 "$tmp/workspace" "$tmp/python" | grep .; then
    echo "error: the crates above have a feature set in the Python extension's build" >&2
    echo "that \`cargo test --workspace\` does not give them: make test would compile them twice." >&2
    exit 1
fi
echo "feature sets unified: the Python build reuses the workspace build's crates"
