"""Progress rendering: a bar on a terminal, plain periodic lines otherwise."""

import io

import pytest

from verification.cli import main
from verification.progress import Progress
from verification.report.progressbar import ProgressPrinter, format_duration

CLAIMS = """
[[claim]]
id = "ols"
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "1.5*sigma**2*d/m"
reps = 50
[claim.params]
d = 10
k = 2
T = 5
n = 20
[claim.sweep]
m = [20, 40, 80]

[[claim]]
id = "oracle"
setting = "linear"
learner = "oracle"
check = "upper-mean"
bound = "1.5*sigma**2*k/m"
reps = 50
[claim.params]
d = 10
k = 2
T = 5
n = 20
[claim.sweep]
m = [20, 40]
"""


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


class Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self._tty = tty

    def isatty(self):
        return self._tty


def events(n=10, total=1000, claims=4):
    """``n`` evenly spaced events, one second apart, the last one complete."""
    for i in range(1, n + 1):
        yield Progress(f"c{(i - 1) * claims // n}", (i - 1) * claims // n, claims,
                       i * total // n, total, float(i))


def test_format_duration():
    assert format_duration(None) == "--:--"
    assert format_duration(float("nan")) == "--:--"
    assert format_duration(7.4) == "0:07"
    assert format_duration(125) == "2:05"
    assert format_duration(3725) == "1:02:05"


def test_terminal_mode_draws_one_line_in_place():
    stream, clock = Stream(tty=True), FakeClock()
    printer = ProgressPrinter(stream, clock=clock)
    assert printer.tty
    for ev in events():
        clock.t = ev.elapsed
        printer(ev)
    printer.close()
    out = stream.getvalue()
    frames = out.split("\r")[1:]
    assert len(frames) == 10 and out.count("\n") == 1 and out.endswith("\n")
    assert frames[0].startswith("[##..................]  10%  claims 0/4  replicates 100/1000")
    assert "ETA 0:09" in frames[0]
    assert frames[-1].startswith("[####################] 100%  claims 4/4  replicates "
                                 "1000/1000  ETA 0:00")


def test_terminal_line_fits_the_width():
    printer = ProgressPrinter(Stream(tty=True))
    ev = Progress("a-very-long-claim-id-" * 10, 0, 3, 10, 100, 1.0)
    assert len(printer.bar_line(ev, columns=60)) == 59


def test_terminal_mode_is_rate_limited_but_shows_the_end():
    stream, clock = Stream(tty=True), FakeClock()
    printer = ProgressPrinter(stream, clock=clock, tty_interval=0.5)
    for i in range(1, 101):                    # 100 events 0.01 s apart
        clock.t = i / 100
        printer(Progress("c", 0, 1, i, 100, i / 100))
    printer.close()
    frames = stream.getvalue().split("\r")[1:]
    assert 2 <= len(frames) <= 4
    assert "replicates 100/100" in frames[-1]


def test_plain_mode_prints_periodic_lines_and_the_end():
    stream, clock = Stream(tty=False), FakeClock()
    printer = ProgressPrinter(stream, clock=clock, interval=5.0)
    assert not printer.tty
    for ev in events(n=12, total=1200):
        clock.t = ev.elapsed
        printer(ev)
    printer.close()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert [line.split(" | ")[2] for line in lines] == [
        "replicates 100/1200", "replicates 600/1200", "replicates 1100/1200",
        "replicates 1200/1200"]
    assert lines[0] == ("progress: 8% | claims 0/4 | replicates 100/1200 | elapsed 0:01 | "
                        "ETA 0:11 | c0")
    assert lines[-1].startswith("progress: 100% | claims 4/4 |")


def test_plain_mode_close_prints_the_last_state_once():
    stream, clock = Stream(tty=False), FakeClock()
    printer = ProgressPrinter(stream, clock=clock, interval=5.0)
    printer(Progress("a", 0, 2, 10, 100, 0.0))
    clock.t = 1.0
    printer(Progress("a", 0, 2, 20, 100, 1.0))        # rate-limited: not printed yet
    printer.close()                                     # e.g. interrupted run
    printer.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and "replicates 20/100" in lines[1]
    printer(Progress("a", 0, 2, 30, 100, 2.0))          # after close: ignored
    assert len(stream.getvalue().splitlines()) == 2


def test_no_event_no_output():
    stream = Stream(tty=True)
    with ProgressPrinter(stream):
        pass
    assert stream.getvalue() == ""


@pytest.fixture
def claims_file(write_claims):
    return write_claims(CLAIMS)


@pytest.mark.parametrize("tty", [True, False])
def test_verify_renders_progress_on_stderr(tmp_path, toy_env, claims_file, capsys,
                                           monkeypatch, fast_figures, tty):
    import sys
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty, raising=False)
    rc = main(["verify", "--claims-file", str(claims_file), "--out", str(tmp_path / "o")])
    captured = capsys.readouterr()
    assert rc == 0
    assert "progress:" not in captured.out and "\r" not in captured.out
    plan, err = captured.err.split("\n", 1)          # the run's plan and estimate come first
    assert plan.startswith("planned: 2 claims, ") and "replicates, about " in plan
    if tty:
        assert err.startswith("\r[")
        assert "[####################] 100%  claims 2/2  replicates 250/250" in captured.err
        assert captured.err.endswith("\n")
    else:
        assert "\r" not in err
        lines = err.splitlines()
        assert lines[0].startswith("progress: ") and "| claims 0/2 |" in lines[0]
        assert lines[-1].startswith("progress: 100% | claims 2/2 | replicates 250/250")


def test_quiet_has_no_progress(tmp_path, toy_env, claims_file, capsys, fast_figures):
    rc = main(["verify", "--claims-file", str(claims_file), "--out", str(tmp_path / "o"),
               "--quiet"])
    captured = capsys.readouterr()
    assert rc == 0 and captured.err == ""
    assert captured.out.splitlines()[-2:] == [
        f"results: {tmp_path / 'o' / 'results.json'}",
        f"report: {tmp_path / 'o' / 'report.html'} (also report.md, results.csv, "
        "junit.xml, figures/)"]
