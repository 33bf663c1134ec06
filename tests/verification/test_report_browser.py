"""report.html rendered by headless Chromium: summary table and figures show.

Skipped, with the reason, when no Chromium (or Chrome) binary is present:
``apt-get install chromium`` on Debian (``.ci/run`` does it when it can).
``METABOUND_CHROMIUM=/path/to/binary`` picks a specific browser;
``METABOUND_REQUIRE_BROWSER=1`` (set by ``.ci/run`` and the pull-request
workflow, where a browser is known to be available) turns the skip into a
failure.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from verification.report import write_report

#: Candidates in order; Ubuntu's chromium-browser may be a snap shim, hence last.
NAMES = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary, or None."""
    env = os.environ.get("METABOUND_CHROMIUM")
    if env:
        return env
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM = find_chromium()
REQUIRED = os.environ.get("METABOUND_REQUIRE_BROWSER") == "1"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED,
    reason="Chromium not found (apt-get install chromium, or set METABOUND_CHROMIUM)")


def chromium(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run headless Chromium with networking and background services off."""
    if CHROMIUM is None:
        pytest.fail("METABOUND_REQUIRE_BROWSER=1 but no Chromium/Chrome binary was found")
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-extensions",
           "--disable-dev-shm-usage", "--hide-scrollbars",
           f"--user-data-dir={profile}", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, f"{cmd}\n{proc.stderr[-2000:]}"
    return proc


@pytest.fixture(scope="module")
def report(tmp_path_factory, results):
    out = tmp_path_factory.mktemp("browser") / "report"
    write_report(results, out)
    return out


def test_rendered_dom_shows_summary_table(report, tmp_path):
    dom = chromium("--dump-dom", (report / "report.html").as_uri(), tmp_path=tmp_path).stdout
    table = re.search(r'<table class="summary">(.*?)</table>', dom, flags=re.S)
    assert table, dom[:2000]
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), flags=re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S) for r in rows]
    strip = lambda html: re.sub(r"<[^>]+>", "", html).strip()   # noqa: E731
    assert [strip(c) for c in cells[0]] == ["claim", "kind", "covers", "setting", "learner",
                                            "check", "status", "worst margin",
                                            "worst resolution"]
    statuses = {strip(r[0]): strip(r[6]) for r in cells[1:]}
    assert statuses["lower-wrong"] == "FAIL" and statuses["upper-2d"] == "PASS"
    assert statuses["broken"] == "ERROR" and statuses["nan-bound"] == "ERROR"
    assert statuses["vacuous"] == "VACUOUS" and len(statuses) == 17
    assert len(re.findall(r'<img class="figure"', dom)) == 16


def test_screenshot_shows_figures(report, tmp_path):
    shot = tmp_path / "shot.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,4000",
             (report / "report.html").as_uri(), tmp_path=tmp_path)
    pixels = (matplotlib.image.imread(shot)[..., :3] * 255).astype(int)
    assert pixels.shape[:2] == (4000, 1200)
    assert pixels.std() > 20                                  # not a blank page
    # the figures' first curve colour (matplotlib "tab:blue") appears only in figures
    blue = np.all(np.abs(pixels - np.array([31, 119, 180])) <= 12, axis=-1)
    assert blue.sum() > 500, blue.sum()
