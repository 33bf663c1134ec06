"""A toy catalog and Monte Carlo with known risk distributions.

Toy setting ``linear`` (parameters d, k, T, n, m required; sigma, delta0 with
defaults).  Risks are scaled chi-square variables whose means are known:

* ``target-only``: sigma^2 chi2_d / m            (mean sigma^2 d / m)
* ``oracle``:      sigma^2 chi2_k / m            (mean sigma^2 k / m)
* ``adaptrep``:    oracle + rep_error, rep_error ~ 0.01 * Exp(1)
* ``frozenrep``:   2 * oracle on the same draw (paired), ratio exactly 2

Every row has the trivial baselines ``baseline_excess = 2`` and
``baseline_insample = 1.8`` and ``delta_norm = ft_radius = delta0`` (for premises).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import verification.report.writer as writer
from verification.catalog import REQUIRED, Catalog

TOY_PARAMS = {"d": REQUIRED, "k": REQUIRED, "T": REQUIRED, "n": REQUIRED,
              "m": REQUIRED, "sigma": 1.0, "delta0": 0.0}


def _resolve(setting, given):
    out = {k: v for k, v in TOY_PARAMS.items() if v is not REQUIRED}
    out.update(given)
    for name in ("d", "k", "T", "n", "m"):
        if name not in out:
            raise ValueError(f"parameter {name!r} is required")
        if not isinstance(out[name], int) or out[name] < 1:
            raise ValueError(f"parameter {name!r} must be an integer >= 1; got {out[name]!r}")
    if out["k"] > out["d"]:
        raise ValueError(f"parameter 'k' must be an integer in [1, d]; got {out['k']}")
    return out


TOY_CATALOG = Catalog(settings={"linear": TOY_PARAMS, "linear-hard": TOY_PARAMS},
                      learners=("adaptrep", "frozenrep", "target-only", "oracle"),
                      resolve=_resolve,
                      replicate_names=("rep_error", "nu", "baseline_excess", "baseline_insample", "delta_norm",
                                       "ft_radius"))


def toy_monte_carlo(setting, learners, params, reps, seed):
    p = _resolve(setting, params)
    rows = []
    children = np.random.SeedSequence(seed).spawn(reps) if not isinstance(
        seed, np.random.SeedSequence) else seed.spawn(reps)
    for r, child in enumerate(children):
        rng = np.random.default_rng(child)
        s2, m = p["sigma"] ** 2, p["m"]
        chi_d = rng.chisquare(p["d"])
        chi_k = rng.chisquare(p["k"])
        rep_err = 0.01 * rng.exponential()
        values = {
            "target-only": (s2 * chi_d / m, 0.0),
            "oracle": (s2 * chi_k / m, 0.0),
            "adaptrep": (s2 * chi_k / m + rep_err, rep_err),
            "frozenrep": (2 * s2 * chi_k / m, 0.0),
        }
        for name in learners:
            risk, rerr = values[name]
            rows.append({"rep": r, "setting": setting, "learner": name, **p,
                         "excess_risk": risk, "insample_risk": risk * 0.9,
                         "rep_error": rerr, "nu": 1.0, "converged": True,
                         "baseline_excess": 2.0, "baseline_insample": 1.8,
                         "delta_norm": p["delta0"], "ft_radius": p["delta0"]})
    return pd.DataFrame(rows)


@pytest.fixture
def catalog():
    return TOY_CATALOG


@pytest.fixture
def monte_carlo():
    return toy_monte_carlo


@pytest.fixture
def toy_env(monkeypatch):
    """Make the CLI use the toy catalog and Monte Carlo."""
    import verification.catalog
    import verification.runner
    monkeypatch.setattr(verification.catalog, "default_catalog", lambda: TOY_CATALOG)
    monkeypatch.setattr(verification.runner, "_default_monte_carlo", lambda: toy_monte_carlo)
    return TOY_CATALOG


@pytest.fixture
def fast_figures(monkeypatch):
    """Figures do not matter here: a fixed tiny PNG (for claims with points) keeps tests fast."""
    png = b"\x89PNG\r\n\x1a\n" + b"stub"
    monkeypatch.setattr(writer, "claim_figure", lambda claim: png if claim["points"] else None)
    monkeypatch.setattr(writer, "formula_png", lambda latex: None)


@pytest.fixture
def write_claims(tmp_path):
    """Write a claims file into ``tmp_path``: ``write_claims(text, name="claims.toml")``."""
    def write(text: str, name: str = "claims.toml") -> Path:
        f = tmp_path / name
        f.write_text(text)
        return f
    return write


@pytest.fixture(scope="session")
def results_path() -> Path:
    """The stored results.json the report tests render (tests/verification/data)."""
    return Path(__file__).parent / "data" / "report_results.json"


@pytest.fixture(scope="module")
def results(results_path) -> dict:
    """The contents of :func:`results_path`, loaded once per test module."""
    return json.loads(results_path.read_text())
