"""junit.xml: valid XML, one test case per claim, counts consistent."""

import copy
import xml.etree.ElementTree as ET

from verification.report.junit import render_junit

#: Attributes CI readers (Jenkins' junit schema, GitLab, GitHub reporters) rely on.
SUITE_ATTRS = {"name", "tests", "failures", "errors", "skipped", "time"}
CASE_ATTRS = {"classname", "name", "time"}
CASE_CHILDREN = {"failure", "error", "skipped", "system-out", "system-err"}


def validate(text: str) -> ET.Element:
    """Check the structure of a JUnit document; return its root."""
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == len(list(root)) >= 1
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in suites:
        assert SUITE_ATTRS <= set(suite.attrib)
        cases = suite.findall("testcase")
        assert {c.tag for c in suite} <= {"properties", "testcase", "system-out", "system-err"}
        counts = {"tests": len(cases),
                  "failures": sum(1 for c in cases if c.find("failure") is not None),
                  "errors": sum(1 for c in cases if c.find("error") is not None),
                  "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        for key, n in counts.items():
            assert int(suite.get(key)) == n, key
            totals[key] += n
        assert float(suite.get("time")) >= 0
        for prop in suite.iter("property"):
            assert set(prop.attrib) == {"name", "value"}
        for case in cases:
            assert CASE_ATTRS <= set(case.attrib)
            assert float(case.get("time")) >= 0
            assert {c.tag for c in case} <= CASE_CHILDREN
            outcomes = [c for c in case if c.tag in ("failure", "error", "skipped")]
            assert len(outcomes) <= 1
            for o in outcomes:
                assert o.get("message") and o.get("type")
    for key, n in totals.items():
        assert int(root.get(key)) == n
    return root


def test_one_testcase_per_claim_with_native_failures(results, tmp_path):
    root = validate(render_junit(results))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == [c["id"] for c in results["claims"]]
    for c in results["claims"]:
        case = cases[c["id"]]
        assert case.get("classname") == f"metabound.{c['check']}"
        kinds = [e.tag for e in case if e.tag in ("failure", "error")]
        assert kinds == {"pass": [], "fail": ["failure"], "vacuous": ["failure"],
                         "error": ["error"]}[c["status"]]
    fail = cases["lower-wrong"].find("failure")
    assert fail.get("message") == "2 of 2 sweep points fail the lower-mean check"
    assert fail.get("type") == "ClaimFailed"
    assert "fail {'m': 10}: bound=0.6 mean=0.1703" in fail.text
    assert "slope 1.925" in cases["rate-wrong"].find("failure").get("message")
    assert cases["broken"].find("error").get("message") == \
        "RuntimeError: solver diverged at m=13"
    suite = root.find("testsuite")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["status"] == "fail" and props["seed"] == "0"
    # 6 failing claims and the vacuous one are failures; 2 claims in error
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("17", "7", "2")


def test_all_passing_run(results):
    passing = copy.deepcopy(results)
    passing["claims"] = [c for c in passing["claims"] if c["status"] == "pass"]
    root = validate(render_junit(passing))
    assert root.get("failures") == "0" and root.get("errors") == "0"
    assert root.get("tests") == str(len(passing["claims"]))


def test_hostile_text_stays_valid_xml(results):
    evil = copy.deepcopy(results)
    evil["claims"][0]["id"] = 'a<b>&"c\x1b[31m\x00'
    evil["claims"][-1]["message"] = "bad ]]> <tag> & \x07 bell"
    root = validate(render_junit(evil))
    names = [c.get("name") for c in root.iter("testcase")]
    assert names[0] == 'a<b>&"c[31m'
    assert root.findall(".//error")[-1].get("message") == "bad ]]> <tag> &  bell"


def test_empty_run_is_valid(results):
    empty = {**results, "claims": [], "status": "pass"}
    root = validate(render_junit(empty))
    assert root.get("tests") == "0"
