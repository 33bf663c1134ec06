"""The registered bound's terms at the worst point travel to results.json and the reports (issue 12)."""

import pytest

from verification import verify
from verification.report.tables import worst_terms_sentence

CLAIM = '''
[[claim]]
id = "ols"
setting = "linear"
learner = "target-only"
check = "upper-mean"
bound = "BOUND"
reps = 30
[claim.params]
d = 4
k = 2
T = 2
n = 5
head_scale = 3.0
[claim.sweep]
m = [20, 40]
'''


def _run(tmp_path, bound, learner="target-only"):
    path = tmp_path / "c.toml"
    path.write_text(CLAIM.replace("BOUND", bound).replace('"target-only"', f'"{learner}"'))
    return verify(path, backend="serial")


def test_terms_at_the_worst_point_of_a_registered_bound(tmp_path):
    result = _run(tmp_path, "target-only")
    claim = result.claim("ols")
    w = claim["worst_terms"]
    worst = min(claim["points"], key=lambda p: p["margin"])
    assert w["params"] == worst["params"] and w["margin"] == worst["margin"]
    assert w["value"] == pytest.approx(worst["bound"], rel=1e-12) and w["dominant"] == "variance"
    (term,) = w["terms"]
    assert term["name"] == "variance" and term["share"] == 1.0
    assert term["value"] == pytest.approx(worst["bound"], rel=1e-12)
    text = worst_terms_sentence(claim)
    assert text.startswith("Terms of target-only at the worst point (m=") and "variance" in text
    out = result.write(tmp_path / "out")
    assert "Terms of target-only at the worst point" in (out.parent / "report.md").read_text()
    assert 'class="terms"' in (out.parent / "report.html").read_text()


def test_no_terms_for_an_inline_formula_or_a_bound_that_varies_by_replicate(tmp_path):
    assert _run(tmp_path, "1.5*sigma**2*d/(m - d - 1)").claim("ols")["worst_terms"] is None
    varying = _run(tmp_path, "head-only-exact", learner="frozenrep").claim("ols")   # uses head_bias per replicate
    assert varying["worst_terms"] is None and worst_terms_sentence(varying) is None
