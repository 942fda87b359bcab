"""Where the tests find the `interplay` command built by `make test`."""

from __future__ import annotations

import os

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def cli_binary() -> str:
    """The release binary (or $INTERPLAY_BIN); the test is skipped when it was not built."""
    explicit = os.environ.get("INTERPLAY_BIN")
    if explicit:
        return explicit
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    path = os.path.join(target, "release", "interplay")
    if not os.path.exists(path):
        pytest.skip(f"no CLI binary at {path} (make test builds it first)")
    return path
