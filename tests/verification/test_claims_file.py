"""The claims-file contract, including its error cases."""

import json
import textwrap

import pytest

from verification.claims_file import load_claims_file
from verification.cli import main
from verification.errors import ClaimError

CONTRACT_EXAMPLE = """
[[claim]]
id = "ols-risk"                  # unique
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "1.1*sigma**2*d/(m - d - 1)"
# versus = "frozenrep"
# tol = 0.2
reps = 200
[claim.params]
d = 10
k = 2
T = 10
n = 50
sigma = 1.0
delta0 = 0.0
[claim.sweep]
m = [20, 40, 80, 160]
"""


def write(tmp_path, text, name="claims.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_contract_example_loads(tmp_path, catalog):
    [vc] = load_claims_file(write(tmp_path, CONTRACT_EXAMPLE), catalog)
    assert vc.id == "ols-risk" and vc.claim.reps == 200
    assert [p["m"] for p in vc.points] == [20, 40, 80, 160]
    assert vc.sweep_points[0] == {"m": 20}
    assert vc.expression.names == ("d", "m", "sigma")


def test_cartesian_sweep_and_defaults(tmp_path, catalog):
    text = CONTRACT_EXAMPLE.replace("m = [20, 40, 80, 160]", "m = [20, 40]\nsigma = [1.0, 2.0]")
    text = text.replace("sigma = 1.0\n", "")
    [vc] = load_claims_file(write(tmp_path, text), catalog)
    assert vc.sweep_points == ({"m": 20, "sigma": 1.0}, {"m": 20, "sigma": 2.0},
                               {"m": 40, "sigma": 1.0}, {"m": 40, "sigma": 2.0})


def _mutate(old, new):
    assert old in CONTRACT_EXAMPLE
    return CONTRACT_EXAMPLE.replace(old, new, 1)


BAD = {
    "unknown-key": (_mutate("reps = 200", "reps = 200\ncolour = 'red'"), "colour"),
    "unknown-setting": (_mutate('setting = "linear"', 'setting = "quadratic"'), "setting"),
    "unknown-learner": (_mutate('learner = "target-only"', 'learner = "svm"'), "learner"),
    "unknown-check": (_mutate('check = "upper-mean"', 'check = "upper-median"'), "check"),
    "bad-expression": (_mutate('bound = "1.1*sigma**2*d/(m - d - 1)"', 'bound = "1.1*sigma**2*d/(m - d"'), "bound"),
    "unknown-name": (_mutate('bound = "1.1*sigma**2*d/(m - d - 1)"', 'bound = "1.1*sigma**2*D/m"'), "bound"),
    "code-injection": (_mutate('bound = "1.1*sigma**2*d/(m - d - 1)"',
                               'bound = "__import__(\'os\').getcwd()"'), "bound"),
    "missing-parameter": (_mutate("n = 50\n", ""), "params.n"),
    "unknown-parameter": (_mutate("n = 50\n", "n = 50\nwidth = 3\n"), "params.width"),
    "missing-key": (_mutate('check = "upper-mean"\n', ""), "check"),
    "versus-without-separation": (_mutate("# versus", "versus"), "versus"),
    "tol-without-rate": (_mutate("# tol", "tol"), "tol"),
    "separation-without-versus": (_mutate('"upper-mean"', '"separation"'), "versus"),
    "bad-reps": (_mutate("reps = 200", "reps = 'many'"), "reps"),
    "too-few-reps": (_mutate("reps = 200", "reps = 3"), "reps"),
    "bad-value": (_mutate("k = 2", "k = 20"), "params.k"),
    "swept-and-fixed": (_mutate("[claim.sweep]", "[claim.sweep]\nd = [5, 10]"), "sweep.d"),
    "bound-not-finite": (_mutate("m = [20, 40, 80, 160]", "m = [11, 40]"), "bound"),
    "rate-too-few-points": (_mutate('"upper-mean"', '"rate"').replace("[20, 40, 80, 160]", "[20, 40]"), "sweep"),
    "whp-without-fail-prob": (_mutate('"upper-mean"', '"upper-whp"'), "params.fail_prob"),
    "bad-risk": (_mutate("reps = 200", "reps = 200\nrisk = 'train_risk'"), "risk"),
    "duplicate-id": (CONTRACT_EXAMPLE + CONTRACT_EXAMPLE, "id"),
    "top-level-key": ("title = 'x'\n" + CONTRACT_EXAMPLE, None),
    "bad-toml": (CONTRACT_EXAMPLE + "\n[[claim\n", None),
    "no-claims": ("", None),
    "learner-params-unused-learner": (
        CONTRACT_EXAMPLE + "[claim.learner_params.frozenrep]\ntarget_step = 'finetune'\n",
        "learner_params.frozenrep"),
    "learner-params-not-a-table": (_mutate("reps = 200", "reps = 200\nlearner_params = 3"),
                                   "learner_params"),
    "band-without-exact": (_mutate("reps = 200", "reps = 200\nband = [0.9, 1.1]"), "band"),
    "band-reversed": (_mutate('"upper-mean"', '"exact"').replace("reps = 200", "reps = 200\nband = [1.1, 0.9]"),
                      "band"),
    "band-not-an-array": (_mutate('"upper-mean"', '"exact"').replace("reps = 200", "reps = 200\nband = 1"),
                          "band"),
    "exponent-without-along": (_mutate('"upper-mean"', '"exponent"').replace("reps = 200",
                                                                             "reps = 200\nexponent = [0, 1]"),
                               "along"),
    "along-not-swept": (_mutate('"upper-mean"', '"exponent"').replace(
        "reps = 200", "reps = 200\nalong = 'd'\nexponent = [0, 1]"), "along"),
    "exponent-missing": (_mutate('"upper-mean"', '"exponent"').replace("reps = 200", "reps = 200\nalong = 'm'"),
                         "exponent"),
    "along-without-exponent-check": (_mutate("reps = 200", "reps = 200\nalong = 'm'"), "along"),
    "premise-not-a-comparison": (_mutate("reps = 200", "reps = 200\npremises = ['rep_error + 1']"),
                                 "premises[0]"),
    "premise-unknown-name": (_mutate("reps = 200", "reps = 200\npremises = ['bogus <= 1']"), "premises[0]"),
    "premise-chained": (_mutate("reps = 200", "reps = 200\npremises = ['0 <= rep_error <= 1']"),
                        "premises[0]"),
    "bad-covers": (_mutate("reps = 200", "reps = 200\ncovers = ['C9']"), "covers"),
    "bad-kind": (_mutate("reps = 200", "reps = 200\nkind = 'folklore'"), "kind"),
    "negative-upper-bound": (_mutate('bound = "1.1*sigma**2*d/(m - d - 1)"', 'bound = "1 - 0.1*m"'), "bound"),
    "rate-bound-constant": (_mutate('"upper-mean"', '"rate"').replace('bound = "1.1*sigma**2*d/(m - d - 1)"',
                                                                    'bound = "sigma**2*d"'), "bound"),
    "empty-seed-key": (_mutate("reps = 200", "reps = 200\nseed_key = ''"), "seed_key"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_file_raises_naming_claim_and_field(tmp_path, catalog, case):
    text, field = BAD[case]
    with pytest.raises(ClaimError) as info:
        load_claims_file(write(tmp_path, text), catalog)
    msg = str(info.value)
    if field is not None:
        assert f"field '{field}'" in msg
        assert "claim 'ols-risk'" in msg or "claim '#1'" in msg


@pytest.mark.parametrize("case", sorted(BAD))
def test_cli_exits_2_and_writes_nothing(tmp_path, toy_env, capsys, case, monkeypatch):
    text, field = BAD[case]
    called = []
    import verification.runner
    monkeypatch.setattr(verification.runner, "_default_monte_carlo",
                        lambda: (lambda **kw: called.append(kw)))
    out = tmp_path / "out"
    rc = main(["verify", "--claims-file", str(write(tmp_path, text)), "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2
    assert not out.exists() and not called
    assert err.startswith("metabound: error:") and err.count("\n") == 1
    assert "Traceback" not in err
    if field is not None:
        assert f"field '{field}'" in err


def test_cli_runs_claims_file(tmp_path, toy_env, capsys):
    out = tmp_path / "out"
    text = CONTRACT_EXAMPLE.replace("1.1*sigma**2*d/(m - d - 1)", "1.1*sigma**2*d/m")
    rc = main(["verify", "--claims-file", str(write(tmp_path, text)), "--out", str(out),
               "--quiet"])
    assert rc == 0
    res = json.loads((out / "results.json").read_text())
    assert [c["id"] for c in res["claims"]] == ["ols-risk"]
    text = CONTRACT_EXAMPLE.replace("1.1*sigma**2*d/(m - d - 1)", "0.1*sigma**2*d/m")
    rc = main(["verify", "--claims-file", str(write(tmp_path, text)), "--out", str(out),
               "--quiet"])
    assert rc == 1
    assert json.loads((out / "results.json").read_text())["status"] == "fail"


def test_learner_params_validated_against_the_real_learners(tmp_path):
    text = CONTRACT_EXAMPLE.replace('learner = "target-only"', 'learner = "frozenrep"')
    bad = text + "[claim.learner_params.frozenrep]\ntarget_stepp = 'finetune'\n"
    with pytest.raises(ClaimError) as info:
        load_claims_file(write(tmp_path, bad))
    assert "field 'learner_params.frozenrep.target_stepp'" in str(info.value)
    good = text + "[claim.learner_params.frozenrep]\ntarget_step = 'finetune'\n"
    [vc] = load_claims_file(write(tmp_path, good))
    assert vc.claim.learner_params == {"frozenrep": {"target_step": "finetune"}}


def test_learner_params_reach_the_monte_carlo(tmp_path, toy_env, monkeypatch):
    import verification.runner
    from conftest import toy_monte_carlo

    seen = []

    def spy(learner_params=None, **kw):
        seen.append(learner_params)
        return toy_monte_carlo(**kw)

    monkeypatch.setattr(verification.runner, "_default_monte_carlo", lambda: spy)
    out = tmp_path / "out"
    assert main(["verify", "--claims-file", str(write(tmp_path, CONTRACT_EXAMPLE)), "--out", str(out), "--quiet"]) in (0, 1)
    assert seen == [None] * 4  # no learner_params: nothing passed
    text = CONTRACT_EXAMPLE.replace('"target-only"', '"frozenrep"') + "[claim.learner_params.frozenrep]\ntarget_step = 'finetune'\n"
    seen.clear()
    main(["verify", "--claims-file", str(write(tmp_path, text)), "--out", str(out), "--quiet"])
    assert seen == [{"frozenrep": {"target_step": "finetune"}}] * 4
    res = json.loads((out / "results.json").read_text())
    assert res["claims"][0]["learner_params"] == {"frozenrep": {"target_step": "finetune"}}


def test_a_registered_bound_travels_as_its_own_expression():
    """bound = "target-only": the claim carries the registered Bound's sympy expression (its own symbols), not a
    re-parsed copy of its text; a claim that modifies the formula has its text parsed."""
    from bounds import get_bound
    from verification import Claim
    from verification.catalog import default_catalog

    base = dict(id="c", setting="linear", learner="target-only", check="upper-mean", params=dict(d=5, k=2, T=2, n=5),
                sweep=dict(m=[12, 20]))
    vc = Claim(bound="target-only", **base).validate(default_catalog())
    assert vc.expression.expr is get_bound("target-only").expr
    modified = Claim(bound="2*sigma**2*d/(m - d - 1)", bound_name="target-only", **base).validate(default_catalog())
    assert modified.expression.expr is not get_bound("target-only").expr
    assert float(modified.expression.evaluate(dict(d=5, m=12, sigma=1.0))) == pytest.approx(2 * 5 / 6)
