"""Runner, results.json and CLI behaviour on the toy Monte Carlo."""

import json

import numpy as np
import pytest

from verification.claims import Claim
from verification.cli import main
from verification.results import write_results, build_results
from verification.runner import point_seed, run_claims

BASE = dict(setting="linear", params=dict(d=10, k=2, T=5, n=20, sigma=1.0),
            sweep=dict(m=[20, 40, 80]), reps=100)


def claim(id, **kw):
    return Claim(id=id, **{**BASE, **kw})


def test_point_seed_depends_only_on_run_seed_claim_and_index():
    a = point_seed(3, "x", 1).generate_state(4)
    assert np.array_equal(a, point_seed(3, "x", 1).generate_state(4))
    assert not np.array_equal(a, point_seed(3, "y", 1).generate_state(4))
    assert not np.array_equal(a, point_seed(4, "x", 1).generate_state(4))


def test_results_do_not_depend_on_claim_order(catalog, monte_carlo):
    c1 = claim("a", learner="target-only", check="upper-mean", bound="sigma**2*d/m")
    c2 = claim("b", learner="oracle", check="upper-mean", bound="sigma**2*k/m")
    vcs = [c1.validate(catalog), c2.validate(catalog)]
    r1 = run_claims(vcs, seed=1, monte_carlo=monte_carlo)
    r2 = run_claims(vcs[::-1], seed=1, monte_carlo=monte_carlo)
    m1 = {c["id"]: [p["mean"] for p in c["points"]] for c in r1["claims"]}
    m2 = {c["id"]: [p["mean"] for p in c["points"]] for c in r2["claims"]}
    assert m1 == m2


def test_point_records_and_holm_family(catalog, monte_carlo):
    cs = [claim("up", learner="target-only", check="upper-mean", bound="sigma**2*d/m"),
          claim("rate", learner="oracle", check="rate", bound="k/m"),
          claim("sep", learner="oracle", versus="target-only", check="separation",
                bound="k/d"),
          claim("whp", learner="target-only", check="upper-whp", bound="3*d/m",
                params=dict(BASE["params"], fail_prob=0.05))]
    run = run_claims([c.validate(catalog) for c in cs], seed=0, monte_carlo=monte_carlo)
    assert run["status"] == "pass"
    assert run["n_tests"] == 3 + 1 + 3 + 3
    assert run["level"] == pytest.approx(1e-3 / 10)
    for c in run["claims"]:
        for p in c["points"]:
            for key in ("bound", "mean", "ci_low", "ci_high", "violations", "replicates",
                        "margin", "status", "p_value", "p_adjusted", "params"):
                assert key in p
            assert p["replicates"] == 100
    rate = next(c for c in run["claims"] if c["id"] == "rate")
    assert rate["fit"]["slope"] == pytest.approx(1, abs=0.2)


def test_per_replicate_bound_uses_rep_error(catalog, monte_carlo):
    ok = claim("ok", learner="adaptrep", check="upper-mean", bound="sigma**2*k/m + rep_error")
    bad = claim("bad", learner="adaptrep", check="upper-mean",
                bound="0.5*sigma**2*k/m + rep_error")
    run = run_claims([ok.validate(catalog), bad.validate(catalog)], seed=0,
                     monte_carlo=monte_carlo)
    status = {c["id"]: c["status"] for c in run["claims"]}
    assert status == {"ok": "pass", "bad": "fail"}
    assert run["claims"][0]["points"][0]["rule"] == "hall-t paired"


def test_simulator_error_marks_claim_not_run(catalog):
    def broken(**kw):
        raise RuntimeError("solver diverged")
    c = claim("x", learner="oracle", check="upper-mean", bound="k/m")
    run = run_claims([c.validate(catalog)], monte_carlo=broken)
    assert run["status"] == "fail"
    assert run["claims"][0]["status"] == "error"
    assert "solver diverged" in run["claims"][0]["message"]


def test_results_json_has_provenance(tmp_path, catalog, monte_carlo):
    c = claim("x", learner="oracle", check="upper-mean", bound="k/m")
    run = run_claims([c.validate(catalog)], seed=7, monte_carlo=monte_carlo)
    path = write_results(build_results(run, profile="quick"), tmp_path)
    res = json.loads(path.read_text())
    prov = res["provenance"]
    assert prov["seed"] == 7 and prov["version"]
    assert "git_commit" in prov and prov["timestamp"]
    assert set(prov["libraries"]) >= {"numpy", "scipy", "pandas", "sympy"}
    entry = res["claims"][0]
    for key in ("id", "setting", "learner", "check", "bound", "status", "points"):
        assert key in entry


def test_cli_seed_reaches_results(tmp_path, toy_env):
    f = tmp_path / "c.toml"
    f.write_text('[[claim]]\nid="a"\nsetting="linear"\nlearner="oracle"\ncheck="upper-mean"\n'
                 'bound="k/m"\nreps=50\n[claim.params]\nd=5\nk=2\nT=3\nn=10\nm=20\n')
    assert main(["verify", "--claims-file", str(f), "--claims", "a",
                 "--out", str(tmp_path / "o"), "--seed", "3", "--quiet"]) == 0
    assert json.loads((tmp_path / "o" / "results.json").read_text())["seed"] == 3


def test_baselines_premises_and_power_reach_the_results(catalog, monte_carlo):
    ok = claim("ok", learner="oracle", check="upper-mean", bound="1.5*sigma**2*k/m",
               premises=("delta_norm <= ft_radius",))
    bad = claim("bad", learner="oracle", check="upper-mean", bound="1.5*sigma**2*k/m",
                params=dict(BASE["params"], delta0=0.2), premises=("delta_norm <= 0.5*ft_radius",))
    run = run_claims([ok.validate(catalog), bad.validate(catalog)], seed=0, monte_carlo=monte_carlo)
    by = {c["id"]: c for c in run["claims"]}
    assert by["ok"]["status"] == "pass" and by["ok"]["premises"] == ["delta_norm <= ft_radius"]
    for p in by["ok"]["points"]:
        assert p["baseline"] == pytest.approx(2.0) and p["vacuous"] is False
        assert p["resolution"] == "inf" or p["resolution"] >= 1
    assert by["bad"]["status"] == "fail"
    assert all(p["premise_violations"] == {"delta_norm <= 0.5*ft_radius": 100} for p in by["bad"]["points"])
    power = run["power"]
    assert power["points"] == 6 and power["vacuous"] == 0 and power["median_margin"] > 1


def test_separation_premises_hold_for_both_learners(catalog, monte_carlo):
    c = claim("sep", learner="oracle", versus="frozenrep", check="separation", bound="1",
              params=dict(BASE["params"], delta0=0.2), premises=("delta_norm <= 0.5*ft_radius",))
    run = run_claims([c.validate(catalog)], seed=0, monte_carlo=monte_carlo)
    viol = run["claims"][0]["points"][0]["premise_violations"]
    assert viol == {"delta_norm <= 0.5*ft_radius": 100, "delta_norm <= 0.5*ft_radius [frozenrep]": 100}


def test_claims_sharing_a_seed_key_are_simulated_once_on_the_same_replicates(catalog, monte_carlo):
    a = claim("a", learner="oracle", check="upper-mean", bound="2*sigma**2*k/m", seed_key="shared")
    b = claim("b", learner="oracle", check="lower-mean", bound="0.5*sigma**2*k/m", seed_key="shared")
    c = claim("c", learner="oracle", check="lower-mean", bound="0.5*sigma**2*k/m")
    execution = {}
    run = run_claims([x.validate(catalog) for x in (a, b, c)], seed=0, monte_carlo=monte_carlo,
                     execution=execution)
    by = {x["id"]: x for x in run["claims"]}
    assert [p["mean"] for p in by["a"]["points"]] == [p["mean"] for p in by["b"]["points"]]
    assert [p["mean"] for p in by["a"]["points"]] != [p["mean"] for p in by["c"]["points"]]
    assert execution["replicates_computed"] == 2 * 3 * 100          # a (shared with b) and c
    assert all(x["status"] == "pass" for x in run["claims"])
