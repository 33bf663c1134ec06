"""Atomic replacement of report directories: complete old or complete new."""

import hashlib
import json
import os
from pathlib import Path

import pytest

import verification.report.atomic as atomic
import verification.report.writer as writer
from verification.report import ReplaceError, atomic_directory, write_report

#: Figures do not matter here: the conftest's stub PNG keeps these tests fast.
pytestmark = pytest.mark.usefixtures("fast_figures")

def snapshot(directory: Path) -> dict:
    """Relative path -> sha256 of every file (and '/' for directories)."""
    out = {}
    for root, dirs, files in os.walk(directory):
        for d in dirs:
            out[str((Path(root) / d).relative_to(directory)) + "/"] = "dir"
        for f in files:
            p = Path(root) / f
            out[str(p.relative_to(directory))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


@pytest.fixture
def old_report(tmp_path, results):
    """A complete report whose content differs from the fixture's (status pass)."""
    old = json.loads(json.dumps(results))
    old["claims"] = [c for c in old["claims"] if c["status"] == "pass"]
    old["status"] = "pass"
    out = tmp_path / "report"
    write_report(old, out)
    return out


def test_new_directory(tmp_path, results):
    out = tmp_path / "a" / "b" / "report"
    write_report(results, out)
    assert (out / "report.html").is_file()
    assert leftovers(out.parent, "report") == []
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)     # not mkdtemp's private mode


def test_replacing_replaces_everything(old_report, results):
    before = snapshot(old_report)
    (old_report / "figures" / "stale.png").write_bytes(b"old")
    write_report(results, old_report)
    after = snapshot(old_report)
    assert "figures/stale.png" not in after                  # no mix of old and new
    assert after != before
    assert json.loads((old_report / "results.json").read_text())["status"] == "fail"
    assert leftovers(old_report.parent, "report") == []


def test_foreign_entries_are_carried_over(old_report, results):
    (old_report / "store.sqlite").write_bytes(b"keep me")
    (old_report / "notes").mkdir()
    (old_report / "notes" / "a.txt").write_text("mine")
    write_report(results, old_report)
    assert (old_report / "store.sqlite").read_bytes() == b"keep me"
    assert (old_report / "notes" / "a.txt").read_text() == "mine"
    assert (old_report / "junit.xml").is_file()


@pytest.mark.parametrize("exc", [RuntimeError("disk full"), KeyboardInterrupt()])
@pytest.mark.parametrize("victim", ["render_html", "render_junit", "claim_figure"])
def test_interrupted_write_leaves_old_report_intact(old_report, results, monkeypatch,
                                                    victim, exc):
    before = snapshot(old_report)
    calls = []

    def boom(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2 or victim != "claim_figure":      # part-way through
            raise exc
        return original(*args, **kwargs)

    original = getattr(writer, victim)
    monkeypatch.setattr(writer, victim, boom)
    with pytest.raises(type(exc)):
        write_report(results, old_report)
    assert snapshot(old_report) == before                    # byte-identical
    assert leftovers(old_report.parent, "report") == []      # temp dir removed


def test_failed_swap_restores_old_report_and_foreign_entries(old_report, results,
                                                             monkeypatch):
    (old_report / "store.sqlite").write_bytes(b"keep me")
    before = snapshot(old_report)
    real_rename = os.rename

    def rename(src, dst):
        if Path(dst) == old_report and ".tmp-" in str(src):   # the final swap
            raise OSError("simulated rename failure")
        return real_rename(src, dst)

    monkeypatch.setattr(atomic.os, "rename", rename)
    with pytest.raises(OSError, match="simulated"):
        write_report(results, old_report)
    assert snapshot(old_report) == before
    assert leftovers(old_report.parent, "report") == []


def test_symlinked_report_directory_is_followed(old_report, results, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(old_report)
    write_report(results, link)
    assert link.is_symlink() and (link / "junit.xml").is_file()
    assert json.loads((old_report / "results.json").read_text())["status"] == "fail"
    assert leftovers(tmp_path, "report") == [] and leftovers(tmp_path, "link") == []


def test_atomic_directory_context_manager(tmp_path):
    target = tmp_path / "t"
    with atomic_directory(target, owned=("f",)) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".t.tmp-")
        (tmp / "f").write_text("1")
        assert not target.exists()                           # nothing visible yet
    assert (target / "f").read_text() == "1"
    with pytest.raises(ValueError):
        with atomic_directory(target, owned=("f",)) as tmp:
            (tmp / "f").write_text("2")
            raise ValueError("stop")
    assert (target / "f").read_text() == "1"


def test_refuses_bad_targets(tmp_path, monkeypatch, results):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ReplaceError, match="not a directory"):
        write_report(results, f)
    assert f.read_text() == "x"
    inner = tmp_path / "outer" / "inner"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    for target in (inner, tmp_path / "outer", Path(".")):
        with pytest.raises(ReplaceError, match="current directory"):
            write_report(results, target)
    assert sorted(p.name for p in (tmp_path / "outer").iterdir()) == ["inner"]
