"""The pytest plugin (entry point pytest11 'metabound') and the Python API verify()."""

import json

import pytest

from verification import Claim, VerifyResult, verify

pytest_plugins = ["pytester"]

GOOD = '''
[[claim]]
id = "ols-level"
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "1.5*sigma**2*d/(m - d - 1)"
reps = 40
[claim.params]
d = 4
k = 2
T = 2
n = 5
head_scale = 3.0
[claim.sweep]
m = [20, 40]
'''
BAD = GOOD.replace('id = "ols-level"', 'id = "ols-too-small"').replace("1.5*sigma", "0.3*sigma")


def test_claims_become_items_and_a_failure_shows_its_points(pytester):
    pytester.makefile(".toml", claims=GOOD + BAD)
    result = pytester.runpytest_subprocess("--metabound-claims", "claims.toml", "--metabound-backend", "serial",
                                           "-p", "no:cacheprovider", "-o", "addopts=")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*claim 'ols-too-small' did not pass*", "*fail {'m': 20}*margin=*",
                                 "*FAILED*metabound::ols-too-small*"])


def test_a_malformed_claims_file_is_a_collection_error(pytester):
    pytester.makefile(".toml", claims=GOOD.replace('learner = "target-only"', 'learner = "nobody"'))
    result = pytester.runpytest_subprocess("--metabound-claims", "claims.toml", "-p", "no:cacheprovider",
                                           "-o", "addopts=")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*unknown learner 'nobody'*"]) if result.stderr.lines else \
        result.stdout.fnmatch_lines(["*unknown learner 'nobody'*"])


def test_the_fixture_verifies_a_claim_written_in_a_test(pytester):
    pytester.makepyfile(test_mine='''
        from verification import Claim

        def test_mine(metabound_verify, metabound_assert_passes):
            claim = Claim(id="inline", setting="linear", learner="target-only", check="upper-mean",
                          bound="1.5*sigma**2*d/(m - d - 1)", params=dict(d=4, k=2, T=2, n=5, head_scale=3.0),
                          sweep=dict(m=[20, 40]), reps=40)
            result = metabound_verify(claim, seed=1)
            metabound_assert_passes(result)
            assert result.statuses() == {"inline": "pass"}

        def test_wrong(metabound_verify, metabound_assert_passes):
            claim = Claim(id="wrong", setting="linear", learner="target-only", check="upper-mean",
                          bound="0.3*sigma**2*d/(m - d - 1)", params=dict(d=4, k=2, T=2, n=5, head_scale=3.0),
                          sweep=dict(m=[20, 40]), reps=40)
            metabound_assert_passes(metabound_verify(claim))
    ''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-o", "addopts=")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*metabound claims did not pass*", "*wrong*FAIL*"])


def test_verify_returns_results_points_and_writes_the_report(tmp_path):
    claims = tmp_path / "c.toml"
    claims.write_text(GOOD + BAD)
    result = verify(claims, backend="serial", seed=3)
    assert isinstance(result, VerifyResult)
    assert result.statuses() == {"ols-level": "pass", "ols-too-small": "fail"}
    assert result.status == "fail" and result.exit_code == 1 and not result.passed
    frame = result.points()
    assert list(frame["claim"]) == ["ols-level", "ols-level", "ols-too-small", "ols-too-small"]
    assert set(frame["param.m"]) == {20, 40} and frame["margin"].notna().all()
    assert result.provenance["seed"] == 3 and "ols-too-small" in result.failures()
    path = result.write(tmp_path / "out")
    assert json.loads(path.read_text())["claims"][0]["id"] == "ols-level"
    assert (tmp_path / "out" / "report.html").exists()


def test_verify_is_what_the_cli_runs(tmp_path):
    """Same seed, same claims: the API's results equal the CLI's results.json (timings aside)."""
    from verification.cli import main

    claims = tmp_path / "c.toml"
    claims.write_text(GOOD)
    assert main(["verify", "--claims-file", str(claims), "--out", str(tmp_path / "cli"), "--store", "none",
                 "--backend", "serial", "--quiet"]) == 0
    cli = json.loads((tmp_path / "cli" / "results.json").read_text())
    api = verify(claims, backend="serial").results

    def strip(doc):
        doc = json.loads(json.dumps(doc, default=float))
        for key in ("elapsed_s", "provenance"):
            doc.pop(key, None)
        for c in doc["claims"]:
            c.pop("elapsed_s", None)
            for p in c["points"]:
                for t in ("fit_time", "adapt_time"):
                    p.get("diagnostics", {}).pop(t, None)
        return doc

    assert strip(api)["claims"] == strip(cli)["claims"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(seed=-1), "seed must be an integer >= 0"), (dict(alpha=2.0), "alpha must be in"),
    (dict(select=["nothing-*"]), "no claim matches nothing-"),
])
def test_verify_refuses_bad_options_before_work(kwargs, message):
    with pytest.raises(ValueError, match=message):
        verify(backend="serial", **kwargs)
