"""Regenerate report_results.json, the results the report tests render.

Run from the repository root (a few seconds, no simulator needed)::

    python tests/verification/data/make_report_results.py

It runs the claims below on the toy Monte Carlo of ``tests/verification/conftest.py``
(known chi-square risks), with a trivial baseline added (``2 sigma^2`` plus a
little of the risk, so that bounds at or above it are vacuous) and a
simulation that raises at ``m = 13``.  Provenance and timings are fixed so that
the file does not change between runs.  Every case the report must show is
here: every check, passing and failing (an ``always`` check failing at
one of its points), a two-parameter sweep, a single point
separation, vacuous points, a violated premise, undecidable points (a bound
that is not finite) and a claim whose simulation raised.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT), str(HERE.parent)]

import conftest  # noqa: E402  (tests/verification/conftest.py: the toy catalog)

from verification.claims_file import parse_claims, validate_claims  # noqa: E402
from verification.results import build_results, write_results  # noqa: E402
from verification.runner import run_claims  # noqa: E402

COMMON = """
[claim.params]
d = 10
k = 2
T = 5
n = 20
sigma = 1.0
"""

CLAIMS = f"""
[[claim]]
id = "upper-2d"
statement = "target-only risk is at most 1.2 sigma^2 d/m"
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "1.2*sigma**2*d/m"
bound_name = "toy-target-only"
covers = ["C1", "C4"]
premises = ["nu <= 2"]
reps = 60
[claim.params]
d = 10
k = 2
T = 5
n = 20
[claim.sweep]
m = [20, 40, 80]
sigma = [1.0, 2.0]

[[claim]]
id = "whp"
statement = "with probability 0.95 the risk is below 3 d/m"
setting = "linear"
learner = "target-only"
check = "upper-whp"
bound = "3*d/m"
reps = 60
[claim.params]
d = 10
k = 2
T = 5
n = 20
sigma = 1.0
fail_prob = 0.05
[claim.sweep]
m = [20, 80]

[[claim]]
id = "lower-ok"
statement = "oracle risk is at least half of sigma^2 k/m"
setting = "linear"
learner = "oracle"
check = "lower-mean"
bound = "0.5*sigma**2*k/m"
covers = ["C5"]
reps = 60
{COMMON}
[claim.sweep]
m = [10, 40]

[[claim]]
id = "lower-wrong"
statement = "a wrong lower bound: three times the mean"
setting = "linear"
learner = "oracle"
check = "lower-mean"
bound = "3*sigma**2*k/m"
reps = 60
{COMMON}
[claim.sweep]
m = [10, 40]

[[claim]]
id = "rate-ok"
statement = "target-only risk decays like 1/m"
setting = "linear"
learner = "target-only"
check = "rate"
bound = "d/m"
covers = ["C3"]
reps = 60
{COMMON}
[claim.sweep]
m = [20, 40, 80, 160]

[[claim]]
id = "rate-wrong"
statement = "a wrong rate: 1/sqrt(m)"
setting = "linear"
learner = "oracle"
check = "rate"
bound = "1/sqrt(m)"
reps = 60
{COMMON}
[claim.sweep]
m = [20, 40, 80, 160]

[[claim]]
id = "sep-wrong"
statement = "a wrong separation: frozenrep within 1.5 of oracle (it is 2)"
setting = "linear"
learner = "frozenrep"
versus = "oracle"
check = "separation"
bound = "3/2"
reps = 60
{COMMON}
[claim.sweep]
m = [20, 80]

[[claim]]
id = "sep-ok"
statement = "oracle at most 0.6 of frozenrep"
setting = "linear"
learner = "oracle"
versus = "frozenrep"
check = "separation"
bound = "0.6"
reps = 60
[claim.params]
k = 2
T = 5
n = 20
sigma = 1.0
m = 40
[claim.sweep]
d = [10]

[[claim]]
id = "vacuous"
statement = "a bound above the trivial baseline: it cannot fail"
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "sigma**2*d/m + 5"
reps = 60
{COMMON}
[claim.sweep]
m = [20, 40]

[[claim]]
id = "premise-broken"
statement = "a bound whose premise fails in every replicate"
setting = "linear"
learner = "oracle"
check = "upper-mean"
bound = "sigma**2*k/m + 0.5"
premises = ["nu <= 0.5"]
reps = 60
{COMMON}
m = 40

[[claim]]
id = "nan-bound"
statement = "a bound that is not finite in some replicates: not decided"
setting = "linear"
learner = "adaptrep"
check = "upper-mean"
bound = "sqrt(rep_error - 0.005)"
reps = 40
{COMMON}
[claim.sweep]
m = [20, 40]

[[claim]]
id = "exact-ok"
statement = "target-only risk is exactly sigma^2 d/m"
setting = "linear"
learner = "target-only"
check = "exact"
bound = "sigma**2*d/m"
covers = ["C3"]
reps = 60
{COMMON}
[claim.sweep]
m = [20, 80]

[[claim]]
id = "exact-wrong"
statement = "a wrong exact value: 1.5 sigma^2 d/m, within 10%"
setting = "linear"
learner = "target-only"
check = "exact"
bound = "1.5*sigma**2*d/m"
band = [0.9, 1.1]
reps = 60
{COMMON}
[claim.sweep]
m = [20, 80]

[[claim]]
id = "always-upper"
statement = "in every replicate the oracle's risk is below 20/m (wrong for sigma = 2)"
setting = "linear"
learner = "oracle"
check = "upper-always"
bound = "20/m"
reps = 40
[claim.params]
d = 10
k = 2
T = 5
n = 20
m = 40
[claim.sweep]
sigma = [1.0, 2.0]

[[claim]]
id = "always-lower"
statement = "in every replicate adaptrep's risk is at least its representation error"
setting = "linear"
learner = "adaptrep"
check = "lower-always"
bound = "rep_error"
reps = 40
{COMMON}
m = 40

[[claim]]
id = "exponent-d"
statement = "target-only risk grows linearly in d"
setting = "linear"
learner = "target-only"
check = "exponent"
along = "d"
exponent = [0.8, 1.2]
bound = "1"
reps = 60
[claim.params]
k = 2
T = 5
n = 20
sigma = 1.0
m = 100
[claim.sweep]
d = [4, 8, 16]

[[claim]]
id = "broken"
statement = "a claim whose simulation raises"
setting = "linear"
learner = "oracle"
check = "upper-mean"
bound = "k/m"
reps = 50
{COMMON}
[claim.sweep]
m = [13]
"""

PROVENANCE = {"package": "metabound", "version": "0.1.0",
              "git_commit": "0123456789abcdef0123456789abcdef01234567", "seed": 0,
              "timestamp": "2025-01-01T00:00:00+00:00", "python": "3.11.7",
              "platform": "Linux-test",
              "libraries": {"numpy": "2.4.6", "scipy": "1.17.1", "pandas": "3.1.1",
                            "sympy": "1.14.0", "cvxpy": "1.9.3"},
              "command": "metabound verify --claims-file toy_claims.toml"}


def monte_carlo(setting, learners, params, reps, seed, **kwargs):
    """The toy Monte Carlo with a trivial baseline; raises at ``m = 13``.

    Parameters
    ----------
    setting, learners, params, reps, seed
        As :func:`conftest.toy_monte_carlo`.
    **kwargs
        Ignored (learner hyper-parameters).

    Returns
    -------
    pandas.DataFrame
        The toy frame with ``baseline_excess`` (``2 sigma^2 + 0.01 risk``) and
        ``baseline_insample``.
    """
    if params.get("m") == 13:
        raise RuntimeError("solver diverged at m=13")
    frame = conftest.toy_monte_carlo(setting, learners, params, reps, seed)
    frame["baseline_excess"] = 2.0 * frame["sigma"] ** 2 + 0.01 * frame["excess_risk"]
    frame["baseline_insample"] = 0.9 * frame["baseline_excess"]
    return frame


def main() -> None:
    """Run the claims and write ``report_results.json`` next to this script."""
    claims = validate_claims(parse_claims(tomllib.loads(CLAIMS)), conftest.TOY_CATALOG)
    run = run_claims(claims, seed=0, monte_carlo=monte_carlo, backend="serial")
    results = build_results(run, claims_file="toy_claims.toml")
    results["provenance"] = PROVENANCE
    results["elapsed_s"] = 1.5
    for c in results["claims"]:
        c["elapsed_s"] = 0.25
    path = write_results(results, HERE)
    written = HERE / "report_results.json"
    path.replace(written)
    data = json.loads(written.read_text())
    for c in data["claims"]:
        print(f"{c['status']:8s} {c['id']}")
    print(f"run: {data['status']}; power: {data['power']}")


if __name__ == "__main__":
    main()
