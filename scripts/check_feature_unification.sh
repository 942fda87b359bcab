#!/bin/sh
# `make test` compiles the workspace's tests, then the library alone without its
# default features (test-lean) and the Python extension on its own (maturin builds
# bindings/python alone), in one target directory. Cargo reuses a
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
    # cargo tree lists a crate once per feature set its dependents ask for, but a
    # build of every target (cargo test) unifies them into one: take the union.
    sed "s/ (\\*)\$//; s/ (proc-macro)//" "$tmp/raw" | awk -F'|' '
        { if (!($1 in feats)) feats[$1] = ""
          n = split($2, f, ",")
          for (i = 1; i <= n; i++) if (f[i] != "" && !(($1, f[i]) in seen)) {
              seen[$1, f[i]] = 1; feats[$1] = feats[$1] "," f[i] } }
        END { for (p in feats) {
              n = split(substr(feats[p], 2), f, ","); line = ""
              # sort the features so that equal sets print equally
              for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (f[j] < f[i]) { t = f[i]; f[i] = f[j]; f[j] = t }
              for (i = 1; i <= n; i++) line = line (i > 1 ? "," : "") f[i]
              print p "|" line } }' | sort
}
graph --workspace -e dev > "$tmp/workspace"
status=0
# compare NAME ARGS...: the crates the build ARGS would compile with a feature set
# that the workspace build does not give them (the crate under test itself aside).
compare() {
    name=$1; shift
    graph "$@" | grep -v "^$name v" > "$tmp/other" || true
    if comm -13 "$tmp/workspace" "$tmp/other" | grep .; then
        echo "error: the crates above have a feature set in \`cargo $*\`" >&2
        echo "that \`cargo test --workspace\` does not give them: make test would compile them twice." >&2
        status=1
    fi
}
# maturin builds the extension alone (its own crate is always compiled).
compare interplay-python -p interplay-python
# make test-lean: the library alone without its default features, with its tests.
compare interplay -p interplay --no-default-features -e dev
[ $status = 0 ] && echo "feature sets unified: the Python and lean builds reuse the workspace build's crates"
exit $status
