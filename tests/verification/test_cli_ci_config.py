"""The pull-request workflow and .ci/run do what the README and issue promise."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "verify.yml"
CI_RUN = ROOT / ".ci" / "run"


def _unquote(value: str) -> str:
    """A YAML scalar without its surrounding double quotes, if any."""
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _parse_steps(text: str) -> dict:
    """Minimal reader of this workflow, for when PyYAML is not installed.

    Returns ``{"on": {...}, "jobs": {"verify": {"timeout-minutes": int, "steps":
    [...]}}}`` with each step's scalar keys, ``with`` mapping and block ``run``.
    """
    on_block = re.search(r"^on:\n((?:  .*\n|\n)*)", text, flags=re.M).group(1)
    on = {m.group(1): None for m in re.finditer(r"^  (\w+):", on_block, flags=re.M)}
    timeout = int(re.search(r"timeout-minutes: (\d+)", text).group(1))
    steps_text = text.split("    steps:\n", 1)[1]
    steps, step, block, section = [], None, None, None
    for line in steps_text.splitlines():
        if line.startswith("      - "):
            step, block, section = {}, None, None
            steps.append(step)
            line = "        " + line[8:]
        if step is None or not line.strip():
            continue
        if block is not None and line.startswith("          "):
            step[block] += line[10:] + "\n"
            continue
        block = None
        m = re.match(r"^ {8}([\w-]+):\s*(.*)$", line)
        if m:
            key, value = m.groups()
            section = None
            if value == "|":
                block, step[key] = key, ""
            elif value == "":
                section, step[key] = key, {}
            else:
                step[key] = _unquote(value)
            continue
        m = re.match(r"^ {10}([\w-]+):\s*(.*)$", line)
        if m and section:
            step[section][m.group(1)] = _unquote(m.group(2))
    return {"on": on, "jobs": {"verify": {"timeout-minutes": timeout, "steps": steps}}}


@pytest.fixture(scope="module", params=["yaml", "fallback"])
def workflow(request):
    text = WORKFLOW.read_text()
    if request.param == "fallback":
        return _parse_steps(text)
    yaml = pytest.importorskip("yaml", reason="PyYAML absent: the fallback reader checks")
    return yaml.safe_load(text)


def steps(workflow):
    [job] = workflow["jobs"].values()
    return job["steps"]


def step_running(workflow, pattern):
    found = [s for s in steps(workflow) if re.search(pattern, s.get("run", ""))]
    assert found, f"no step runs {pattern!r}"
    return found[0]


def test_workflow_runs_on_pull_requests(workflow):
    triggers = workflow.get("on", workflow.get(True))       # YAML 1.1 reads `on` as True
    assert "pull_request" in triggers
    [job] = workflow["jobs"].values()
    assert job["timeout-minutes"] <= 90


def test_workflow_installs_tests_verifies_uploads_and_summarises(workflow):
    order = [s.get("run", s.get("uses", "")) for s in steps(workflow)]
    install = next(i for i, r in enumerate(order) if 'pip install -e ".[dev]"' in r)
    tests = next(i for i, r in enumerate(order) if r.strip() == "pytest")
    verify = step_running(workflow, r"metabound verify --profile quick --out reports/pr\b")
    assert install < tests < steps(workflow).index(verify)
    assert "!cancelled()" in verify["if"]                    # runs even if tests failed
    summary = step_running(workflow, r"GITHUB_STEP_SUMMARY")
    assert "metabound report reports/pr --summary" in summary["run"]
    assert "!cancelled()" in summary["if"]
    [upload] = [s for s in steps(workflow) if s.get("uses", "").startswith(
        "actions/upload-artifact@")]
    assert upload["with"]["path"] == "reports/pr" and "!cancelled()" in upload["if"]


def test_ci_run_is_executable_bash_and_runs_both():
    assert os.access(CI_RUN, os.X_OK)
    subprocess.run(["bash", "-n", str(CI_RUN)], check=True)
    text = CI_RUN.read_text()
    assert "set -euo pipefail" in text
    readme = (ROOT / "README.md").read_text()
    assert 'pip install -e ".[dev]" && pytest' in readme      # the README's test command
    assert 'pip install -e ".[dev]" && pytest || tests=$?' in text
    assert "metabound verify --profile quick --out reports/ci || verify=$?" in text
    assert "pytest -m battery || battery=$?" in text
    assert text.rstrip().endswith('[ "$tests" -eq 0 ] && [ "$battery" -eq 0 ] && [ "$verify" -eq 0 ]')
    if shutil.which("shellcheck"):
        subprocess.run(["shellcheck", str(CI_RUN)], check=True)


@pytest.mark.parametrize("tests, battery, verify, expected", [(0, 0, 0, 0), (1, 0, 0, 1), (0, 0, 1, 1),
                                                              (0, 1, 0, 1), (0, 0, 3, 1), (5, 0, 2, 1)])
def test_ci_run_fails_when_either_fails(tmp_path, tests, battery, verify, expected):
    """Run .ci/run's logic with pip, pytest, python and metabound stubbed out."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(CI_RUN, repo / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    venv_python = (
        "#!/usr/bin/env bash\n"
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; '
        'echo "" > "$3/bin/activate"; fi\n')
    stubs = {"python3.11": venv_python, "python": "#!/usr/bin/env bash\nexit 0\n",
             "pip": f"#!/usr/bin/env bash\necho pip >> {log}\n",
             "pytest": (f'#!/usr/bin/env bash\necho "pytest $*" >> {log}\n'
                        f'if [ "$*" = "-m battery" ]; then exit {battery}; fi\nexit {tests}\n'),
             "metabound": f'#!/usr/bin/env bash\necho "metabound $*" >> {log}\nexit {verify}\n',
             "chromium": "#!/usr/bin/env bash\nexit 0\n"}
    for name, body in stubs.items():
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(["bash", str(repo / ".ci" / "run")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == expected, proc.stdout + proc.stderr
    assert [line.strip() for line in log.read_text().split("\n")[:4]] == [
        "pip", "pytest", "pytest -m battery", "metabound verify --profile quick --out reports/ci"]
