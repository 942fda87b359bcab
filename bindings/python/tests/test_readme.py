"""The README's Python quick start runs as written."""

import os
import re

from conftest import REPO

MARKER = "<!-- python-quickstart -->"


def quickstart() -> str:
    text = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    parts = text.split(MARKER)
    assert len(parts) == 3, "README.md must hold the quick start between two python-quickstart markers"
    blocks = re.findall(r"```python\n(.*?)```", parts[1], flags=re.S)
    assert blocks, "no ```python block between the markers"
    return "\n".join(blocks)


def test_readme_quickstart_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = quickstart()
    namespace: dict = {"__name__": "__readme__"}
    exec(compile(code, "README.md", "exec"), namespace)
    # The snippet computes these; check they are real results, not just that it ran.
    assert 0.0 <= namespace["result"].global_score <= 1.0
