"""examples/plugin, the worked example of docs/extending.md: a separately installable package that registers a
learner (Tian, Gu, Feng 2023's spectral estimator) and a task family (drifting subspaces) through entry points.

It is installed (pip, offline: ``--no-build-isolation``) into a temporary directory that only the subprocesses
of these tests put on their path, so the rest of the test session keeps the built-in catalogue.  The claims file
runs through ``metabound verify`` on two process workers (the workers load the entry points too) and through the
pytest plugin; a copy with a broken source step must fail the claims that can see it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "plugin"
CLAIMS = EXAMPLE / "claims.toml"


def _install(source: Path, target: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                           "--no-index", "--target", str(target), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def _env(target: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(target), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH")
                                                                     else []))
    env.pop("METABOUND_NO_PLUGINS", None)
    return env


def _run(args: list[str], target: Path, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, env=_env(target), cwd=cwd, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("plugin-site")
    _install(EXAMPLE, target)
    return target


def test_the_example_learner_is_under_50_lines():
    source = (EXAMPLE / "src" / "metabound_spectral" / "learner.py").read_text().splitlines()
    start = next(i for i, line in enumerate(source) if line.startswith("class SpectralRep"))
    assert len(source) - start < 50


def test_verify_runs_the_plugin_claims_on_process_workers(installed, tmp_path):
    out = tmp_path / "report"
    done = _run([sys.executable, "-m", "verification.cli", "verify", "--claims-file", str(CLAIMS), "--out", str(out),
                 "--store", "none", "--backend", "processes", "--workers", "2", "--quiet"], installed, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((out / "results.json").read_text())
    status = {c["id"]: c["status"] for c in results["claims"]}
    assert status == {"spectral-frame-close": "pass", "spectral-beats-target-only": "pass",
                      "spectral-head-only-exact": "pass", "spectral-finetune-adaptrep-linear": "pass"}
    plugins = results["provenance"]["plugins"]
    assert {p["name"] for p in plugins} == {"spectral", "drifting-subspaces"}
    assert all(p["distribution"] == "metabound-spectral-example" and not p["error"] for p in plugins)


def test_pytest_plugin_runs_the_claims_and_the_plugin_tests(installed, tmp_path):
    done = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                 "--metabound-claims", str(CLAIMS), "--metabound-backend", "serial", str(EXAMPLE / "tests")],
                installed, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "10 passed" in done.stdout, done.stdout       # 4 claims and the plugin's 6 tests


def test_a_broken_source_step_fails_the_claims(tmp_path):
    """The top-k *smallest* singular vectors: the frame is far from B*, and the claims that look at it fail."""
    copy = tmp_path / "broken"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    learner = copy / "src" / "metabound_spectral" / "learner.py"
    text = learner.read_text()
    assert 'left[:, :p["k"]]' in text
    learner.write_text(text.replace('left[:, :p["k"]]', 'left[:, -p["k"]:]'))
    site = tmp_path / "site"
    _install(copy, site)
    out = tmp_path / "report"
    done = _run([sys.executable, "-m", "verification.cli", "verify", "--claims-file", str(CLAIMS), "--out", str(out),
                 "--store", "none", "--backend", "serial", "--quiet", "--claims", "spectral-frame-close",
                 "--claims", "spectral-beats-target-only"], site, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    status = {c["id"]: c["status"] for c in json.loads((out / "results.json").read_text())["claims"]}
    assert status == {"spectral-frame-close": "fail", "spectral-beats-target-only": "fail"}
