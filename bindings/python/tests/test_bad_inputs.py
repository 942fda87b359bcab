"""The malformed-input corpus (scripts/make_bad_inputs.py) through the CLI and the package.

Every case must end cleanly: the CLI with exit status 2 and one line on stderr (0 for
the few odd-but-valid inputs), Python with ValueError/TypeError (or a result for the
valid ones). Never a signal, a panic, another exception type, more than 1 GiB of
memory or more than a few seconds. Each case runs in its own process, so a crash or a
runaway allocation is measured instead of taking the test runner down.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time

import pytest

from _cli import cli_binary
from conftest import REPO

MEMORY_LIMIT = 1 << 30  # bytes of peak resident memory
TIME_LIMIT = 20.0  # seconds, generous for a loaded 2-core CI machine

PYTHON_RUNNER = """
import sys
import numpy as np
import interplay
try:
    exec(sys.argv[1])
except (ValueError, TypeError) as e:
    print(type(e).__name__ + ": " + str(e), file=sys.stderr)
    sys.exit(3)
"""


def _corpus_module():
    path = os.path.join(REPO, "scripts", "make_bad_inputs.py")
    spec = importlib.util.spec_from_file_location("make_bad_inputs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_CASES = None


def _cases(tmp_root):
    global _CASES
    if _CASES is None:
        _CASES = _corpus_module().build(str(tmp_root))
    return _CASES


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return _cases(tmp_path_factory.mktemp("bad-inputs"))


def _run(argv, cwd):
    """Run argv; return (status or -signal, stdout, stderr, peak RSS bytes, seconds).

    The child is reaped with wait4, which gives its own resource usage (peak
    resident memory), not the running maximum over all children."""
    start = time.monotonic()
    out_path, err_path = os.path.join(cwd, "..", "stdout.txt"), os.path.join(cwd, "..", "stderr.txt")
    os.makedirs(cwd, exist_ok=True)
    with open(out_path, "w+b") as out, open(err_path, "w+b") as err:
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=dict(os.environ, RUST_BACKTRACE="0"))
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > TIME_LIMIT:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                pytest.fail(f"{argv} ran past {TIME_LIMIT} s")
            time.sleep(0.005)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    return proc.returncode, stdout, stderr, usage.ru_maxrss * 1024, seconds


def _ids(kind):
    try:
        cases = _cases(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"interplay-bad-inputs-{os.getpid()}"))
    except Exception:  # the corpus needs numpy/onnx; collection must not fail here
        return []
    return [c["name"] for c in cases if c[kind]]


def _assert_clean(case, status, out, err, peak, seconds, refused_status):
    name = case["name"]
    assert status >= 0, f"{name}: killed by signal {-status}\n{err}"
    assert "panicked" not in err and "RUST_BACKTRACE" not in err, f"{name}: panic\n{err}"
    assert peak < MEMORY_LIMIT, f"{name}: peak memory {peak / 2**20:.0f} MiB"
    assert seconds < TIME_LIMIT
    if case["valid"]:
        assert status == 0, f"{name}: a valid input was refused (status {status})\n{err}"
    else:
        assert status == refused_status, f"{name}: status {status}, expected a refusal\nstdout: {out[:500]}\nstderr: {err}"


@pytest.mark.parametrize("name", _ids("cli"))
def test_cli_refuses_cleanly(corpus, name, tmp_path):
    case = next(c for c in corpus if c["name"] == name)
    work = tmp_path / "work"
    status, out, err, peak, seconds = _run([cli_binary(), "-q", *case["cli"]], work)
    _assert_clean(case, status, out, err, peak, seconds, refused_status=2)
    if status == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), f"{name}: {err}"
    # A refused run writes nothing into the working folder.
    assert os.listdir(work) == [], f"{name}: left {os.listdir(work)}"


@pytest.mark.parametrize("name", _ids("py"))
def test_python_refuses_cleanly(corpus, name, tmp_path):
    case = next(c for c in corpus if c["name"] == name)
    status, out, err, peak, seconds = _run([sys.executable, "-c", PYTHON_RUNNER, case["py"]], tmp_path / "work")
    _assert_clean(case, status, out, err, peak, seconds, refused_status=3)
