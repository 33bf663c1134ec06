"""pytest plugin: claims as test items, and a fixture to verify claims inside a test module.

Registered through the ``pytest11`` entry point (``metabound``), so it is
active wherever the distribution is installed.

* ``pytest --metabound-claims my_claims.toml`` adds one test item per claim of
  the file (``metabound::<claim id>``). All of them run in **one** verification
  run, at the first item, so Holm's correction covers the whole family as in
  ``metabound verify``; each item then passes or fails with its claim, and a
  failure shows the failing points with their margins. ``--metabound-builtin
  quick|full`` adds the built-in claims of a profile, ``--metabound-seed S``
  sets the run seed, ``--metabound-backend`` the backend.
* The ``metabound_verify`` fixture runs claims written in the test itself
  and returns a :class:`verification.api.VerifyResult`::

      def test_my_bound(metabound_verify):
          result = metabound_verify(Claim(id="mine", setting="linear", ...))
          assert result.passed, result.failures()

  ``metabound_assert_passes(result)`` raises an ``AssertionError`` carrying the
  same readable report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

_RUN_KEY = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("metabound", "metabound claims as tests")
    group.addoption("--metabound-claims", action="append", default=[], metavar="FILE",
                    help="a TOML claims file whose claims become test items (repeatable)")
    group.addoption("--metabound-builtin", choices=("quick", "full"), default=None,
                    help="also the built-in claims of this profile")
    group.addoption("--metabound-seed", type=int, default=0, metavar="S", help="run seed (default 0)")
    group.addoption("--metabound-backend", choices=("serial", "processes", "dask"), default=None,
                    help="where replicates run (default: processes when more than one core)")


def _sources(config: pytest.Config) -> list:
    return [Path(p) for p in config.getoption("metabound_claims") or []]


class ClaimFailed(Exception):
    """A claim did not pass; carries the readable report."""


class ClaimItem(pytest.Item):
    """One claim of the run; passes when the claim's status is ``pass``."""

    def __init__(self, *, claim_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim_id = claim_id

    def runtest(self) -> None:
        result = _session_run(self.config)
        if isinstance(result, Exception):
            raise result
        claim = result.claim(self.claim_id)
        if claim["status"] != "pass":
            raise ClaimFailed(result.failures(self.claim_id))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            return f"claim {self.claim_id!r} did not pass:\n{excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"metabound claim {self.claim_id}"


def _claims_of(config: pytest.Config) -> list:
    from .api import load_claims
    profile = config.getoption("metabound_builtin")
    from_files = [vc for path in _sources(config) for vc in load_claims(path)]
    # one list: ids unique across the files and the built-in profile
    return load_claims(from_files, profile=profile or "quick", with_builtin=bool(profile))


def _session_run(config: pytest.Config):
    """The one verification run of the session (computed at the first item that needs it)."""
    stash = config.stash.setdefault(_RUN_KEY, {})
    if "result" not in stash:
        from .api import verify
        try:
            stash["result"] = verify(stash["claims"], seed=config.getoption("metabound_seed"),
                                     backend=config.getoption("metabound_backend"))
        except Exception as exc:  # reported by every item of the run
            stash["result"] = exc
    return stash["result"]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    if not _sources(config) and not config.getoption("metabound_builtin"):
        return
    claims = _claims_of(config)          # a malformed claims file: a collection error, nothing runs
    config.stash.setdefault(_RUN_KEY, {})["claims"] = claims
    for vc in claims:
        items.append(ClaimItem.from_parent(session, name=f"metabound::{vc.id}", claim_id=vc.id))


@pytest.fixture
def metabound_verify():
    """Run claims (Claim objects, a claims file path, or a list) and return their VerifyResult.

    Keyword arguments go to :func:`verification.verify` (``seed``, ``backend``,
    ``alpha``, ...); the default backend is ``serial``.
    """
    from .api import verify

    def run(claims, **kwargs):
        kwargs.setdefault("backend", "serial")
        return verify(claims, **kwargs)

    return run


@pytest.fixture
def metabound_assert_passes():
    """``metabound_assert_passes(result)``: an AssertionError with the failing points if not passed."""
    def check(result) -> None:
        if not result.passed:
            raise AssertionError("metabound claims did not pass:\n" + result.failures())
    return check
