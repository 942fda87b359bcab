"""The report page of the demo data, rendered in headless Chromium: it loads with no
console errors and no request beyond the file itself, and its screenshot is not blank.

Chromium comes from Debian (`make test` installs the ``chromium`` package when it is
missing). Without it the test fails, unless INTERPLAY_SKIP_BROWSER=1 says to skip it.
The screenshot is kept as ``target/report-screenshot.png`` (a CI artifact).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import time
import zlib

import pytest

from _cli import cli_binary
from conftest import REPO

SCREENSHOT = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")), "report-screenshot.png")
#: Flags that keep Chromium's own background traffic down and resolve no host at all,
#: so nothing leaves the machine whatever the page asked for.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr",
    "--v=0",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("INTERPLAY_SKIP_BROWSER") == "1":
        pytest.skip("INTERPLAY_SKIP_BROWSER=1: the browser test is skipped")
    pytest.fail(
        "chromium is not installed: `make test` installs it from Debian "
        "(apt-get install chromium fonts-dejavu-core); set INTERPLAY_SKIP_BROWSER=1 to skip this test"
    )


def render(browser: str, page: str, shot: str, size: str, tmp) -> tuple:
    """Screenshot ``page``; return (console lines, URLs the page itself requested)."""
    netlog = os.path.join(tmp, f"net-{os.path.basename(shot)}.json")
    done = subprocess.run(
        [browser, *FLAGS, f"--log-net-log={netlog}", f"--screenshot={shot}", f"--window-size={size}", f"file://{page}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and os.path.exists(shot), done.stderr[-2000:]
    console = [l for l in done.stderr.splitlines() if ":CONSOLE" in l or "Uncaught" in l]
    log = json.load(open(netlog, encoding="utf-8"))
    start_job = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    # Requests made for the page carry its site (file://) in their isolation key;
    # Chromium's own (update checks, accounts) carry another or none.
    requested = [
        e["params"]["url"]
        for e in log["events"]
        if start_job.get(e["type"]) == "URL_REQUEST_START_JOB"
        and str(e.get("params", {}).get("network_isolation_key", "")).startswith("file://")
    ]
    return console, requested


def png_pixels(path: str):
    """Width, height and the RGB(A) rows of an 8-bit PNG, decoded with zlib."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def test_the_checks_catch_errors_and_requests(tmp_path):
    """The detectors work: a page with a console error and a remote image is caught."""
    browser = chromium()
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="https://example.invalid/x.png">'
        '<script>console.error("interplay-control")</script></body></html>'
    )
    console, requested = render(browser, str(page), str(tmp_path / "bad.png"), "300,200", str(tmp_path))
    assert any("interplay-control" in l for l in console), console
    assert "https://example.invalid/x.png" in requested, requested


def test_report_renders_in_headless_chromium(tmp_path):
    browser = chromium()
    exe = cli_binary()
    run = lambda *a: subprocess.run([exe, "--quiet", *a], cwd=tmp_path, check=True, capture_output=True)
    # The LSMI demo's data (`interplay demo`: the Gaussian family, 1600 train / 400 val
    # rows) and a late-fusion network trained on it, so every section of the page is drawn.
    run("generate", "gaussian", "-o", "demo.npz")
    run("train", "--data", "demo.npz", "-o", "model.safetensors", "--fusion", "late", "--epochs", "60", "--lr", "0.01", "--batch-size", "100")
    run("report", "--data", "demo.npz", "--model", "model.safetensors", "--epochs", "20", "-o", "report.html")
    page = str(tmp_path / "report.html")
    os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
    start = time.monotonic()
    console, requested = render(browser, page, SCREENSHOT, "1200,2400", str(tmp_path))
    seconds = time.monotonic() - start
    assert console == [], f"console output: {console}"
    assert all(u.startswith(("file:", "data:", "about:")) for u in requested), f"external requests: {requested}"

    width, height, bpp, rows = png_pixels(SCREENSHOT)
    assert (width, height) == (1200, 2400)
    colours, ink = set(), 0
    for row in rows[::8]:
        for x in range(0, width * bpp, 8 * bpp):
            px = row[x : x + 3]
            colours.add(px)
            ink += px != b"\xff\xff\xff"
    sampled = len(rows[::8]) * len(range(0, width * bpp, 8 * bpp))
    assert len(colours) >= 20, f"only {len(colours)} colours: a blank page?"
    assert ink / sampled > 0.05, f"only {100 * ink / sampled:.1f} % of the page is not white"
    print(f"rendered in {seconds:.1f} s; screenshot {SCREENSHOT}")
    # The README's picture (docs/report.png) is this page at half scale:
    # INTERPLAY_README_SCREENSHOT=docs/report.png pytest -k chromium writes it.
    readme = os.environ.get("INTERPLAY_README_SCREENSHOT")
    if readme:
        subprocess.run(
            [browser, *FLAGS, "--force-device-scale-factor=0.5", f"--screenshot={os.path.abspath(readme)}",
             "--window-size=1150,3900", f"file://{page}"],
            check=True, capture_output=True, timeout=120,
        )


def test_png_figures_are_drawn_from_the_svgs(tmp_path):
    """`report --figures DIR --png`: a PNG beside every SVG, at the SVG's size, not blank."""
    if not shutil.which("rsvg-convert"):
        if os.environ.get("INTERPLAY_SKIP_BROWSER") == "1":
            pytest.skip("INTERPLAY_SKIP_BROWSER=1")
        pytest.fail("rsvg-convert is not installed: `make test` installs it (apt-get install librsvg2-bin)")
    exe = cli_binary()
    run = lambda *a: subprocess.run([exe, "--quiet", *a], cwd=tmp_path, check=True, capture_output=True)
    run("generate", "hd-xor", "--setting", "synergy", "--samples", "300", "-o", "d.npz")
    run("train", "--data", "d.npz", "-o", "m.safetensors", "--epochs", "2")
    run("intershap", "--data", "d.npz", "--model", "m.safetensors", "--split", "test", "--json", "i.json", "--per-sample", "i.npz")
    run("report", "--from", "i.json,i.npz", "-o", "r.html", "--figures", "figs", "--png")
    files = sorted(os.listdir(tmp_path / "figs"))
    svgs = [f for f in files if f.endswith(".svg")]
    assert svgs and sorted(f[:-4] + ".png" for f in svgs) == [f for f in files if f.endswith(".png")]
    width, height, bpp, rows = png_pixels(str(tmp_path / "figs" / "intershap-waterfall.png"))
    assert (width, height) == (720, 420)
    colours = {row[x : x + 3] for row in rows[::4] for x in range(0, width * bpp, 4 * bpp)}
    assert len(colours) >= 5, "a drawn figure has several colours"
