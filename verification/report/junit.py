"""junit.xml: one test case per claim, so CI systems show failures natively.

The layout is the common JUnit XML dialect read by GitHub Actions reporters,
GitLab, Jenkins and Azure DevOps::

    <testsuites name="metabound" tests= failures= errors= skipped= time=>
      <testsuite name="metabound.verify" tests= failures= errors= skipped= time=
                 timestamp= hostname=>
        <properties><property name= value=/>...</properties>
        <testcase classname="metabound.<check>" name="<claim id>" time=>
          <failure message= type="ClaimFailed">details</failure>   (status fail)
          <failure message="vacuous: bound >= trivial baseline at N points"
                   type="ClaimVacuous">the vacuous points</failure>  (status vacuous)
          <error message= type="ClaimError">details</error>        (status error)
          <system-out>the claim's full description</system-out>
        </testcase>
      </testsuite>
    </testsuites>

A vacuous claim is reported as a failure: its bound is at or above the
trivial baseline at some point, so it could not have failed there and
passing it would claim evidence the run does not have.  The suite's
properties carry the run's power summary; every case's ``system-out`` starts
with the claim's kind, covers and premises, and lists every point with its
resolution and baseline (and, for slope claims, the slope resolution).
"""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from ..results import format_claim
from ..check_registry import check_of
from .tables import (claim_facts, error_points, failing_points, fmt,
                     params_text, resolution_text, slope_text, vacuous_points)

__all__ = ["render_junit", "vacuous_message"]


_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd"
                          "\U00010000-\U0010ffff]")


def _x(text: object) -> str:
    """Text with the characters XML 1.0 cannot hold removed."""
    return _XML_INVALID.sub("", str(text))


def _seconds(x: object) -> str:
    """A duration attribute (seconds, 3 decimals)."""
    return f"{float(x):.3f}" if isinstance(x, (int, float)) else "0.000"


def _failure_message(claim: Mapping) -> str:
    """One line saying why a claim failed."""
    fit = claim.get("fit")
    if check_of(claim).per_claim and fit:
        text = (f"{slope_text(fit)} outside target {fit.get('target')}, "
                f"p adjusted {fmt(fit.get('p_adjusted'), '.3g')}")
        if fit.get("premise_violations"):
            text += f", premise violated ({len(fit['premise_violations'])} premises)"
        return text
    points = claim.get("points") or []
    return (f"{len(failing_points(claim))} of {len(points)} sweep points fail the "
            f"{claim.get('check')} check")


def vacuous_message(claim: Mapping) -> str:
    """The failure message of a vacuous claim.

    Parameters
    ----------
    claim : mapping
        One entry of ``results["claims"]`` with status ``vacuous``.

    Returns
    -------
    str
        ``"vacuous: bound >= trivial baseline at N points"`` (``point`` when
        N is 1), N the number of vacuous points.
    """
    n = len(vacuous_points(claim)) or sum(1 for p in claim.get("points") or []
                                          if p.get("vacuous"))
    return f"vacuous: bound >= trivial baseline at {n} point{'' if n == 1 else 's'}"


def _vacuous_text(claim: Mapping) -> str:
    """The vacuous points of a claim, one per line."""
    lines = [f"{claim.get('id')}: the bound is at or above the trivial baseline (no member "
             "of the learner's class could fail it) at:"]
    for p in vacuous_points(claim):
        lines.append(f"  {params_text(p)}: bound={fmt(p.get('bound'))} "
                     f"baseline={fmt(p.get('baseline'))} mean={fmt(p.get('mean'))} "
                     f"resolution={resolution_text(p.get('resolution'))}")
    return "\n".join(lines)


def _error_message(claim: Mapping) -> str:
    """One line saying why a claim could not be decided."""
    if claim.get("message"):
        return str(claim["message"])
    errs = error_points(claim)
    points = claim.get("points") or []
    if errs:
        first = errs[0].get("message") or "not decided"
        return f"{len(errs)} of {len(points)} points could not be decided: {first}"
    return f"status {claim.get('status')}"


def _error_text(claim: Mapping) -> str:
    """The claim's error, or every undecided point with its message."""
    if claim.get("message"):
        return str(claim["message"])
    return "\n".join(f"{params_text(p)}: {p.get('message') or 'not decided'}"
                     for p in error_points(claim))


def _system_out(claim: Mapping) -> str:
    """The claim's facts, its full description (every point), its slope resolution."""
    facts = "; ".join(f"{k}: {v}" for k, v in claim_facts(claim))
    lines = [facts, format_claim(dict(claim))]
    fit = claim.get("fit") or {}
    if "resolution" in fit:
        lines.append(f"  slope resolution {resolution_text(fit.get('resolution'))} "
                     "(slope units)")
    return "\n".join(lines)


def _power_properties(results: Mapping) -> list[tuple[str, object]]:
    """``power_*`` properties of the suite from the run's power summary."""
    power = results.get("power")
    if not isinstance(power, Mapping):
        return []
    def where(at: object) -> str | None:
        if not isinstance(at, Mapping):
            return None
        return f"{at.get('claim')} {params_text(at)}"
    return [("power_points", power.get("points")),
            ("power_vacuous_points", power.get("vacuous")),
            ("power_median_margin", power.get("median_margin")),
            ("power_worst_resolution", power.get("worst_resolution")),
            ("power_worst_resolution_at", where(power.get("worst_resolution_at"))),
            ("power_worst_slope_resolution", power.get("worst_slope_resolution"))]


def render_junit(results: Mapping) -> str:
    """The text of junit.xml.

    Parameters
    ----------
    results : mapping
        The contents of ``results.json``.

    Returns
    -------
    str
        An XML document (UTF-8 declaration) with one ``testcase`` per claim:
        passing claims have no child but ``system-out``, failing and vacuous
        claims a ``failure``, claims in error (their simulation raised, or a
        point could not be decided) an ``error``.
    """
    claims = list(results.get("claims") or [])
    failures = sum(1 for c in claims if c.get("status") in ("fail", "vacuous"))
    errors = sum(1 for c in claims if c.get("status") not in ("pass", "fail", "vacuous"))
    total = _seconds(results.get("elapsed_s"))
    counts = {"tests": str(len(claims)), "failures": str(failures),
              "errors": str(errors), "skipped": "0", "time": total}
    root = ET.Element("testsuites", {"name": "metabound", **counts})
    prov = results.get("provenance") or {}
    suite = ET.SubElement(root, "testsuite", {
        "name": "metabound.verify", **counts,
        "timestamp": str(prov.get("timestamp") or ""),
        "hostname": socket.gethostname() or "localhost"})
    props = ET.SubElement(suite, "properties")
    for name, value in (("status", results.get("status")), ("profile", results.get("profile")),
                        ("claims_file", results.get("claims_file")),
                        ("seed", results.get("seed")), ("alpha", results.get("alpha")),
                        ("n_tests", results.get("n_tests")),
                        ("git_commit", prov.get("git_commit")),
                        ("version", prov.get("version")), *_power_properties(results)):
        if value is not None:
            ET.SubElement(props, "property", {"name": name, "value": _x(value)})
    for c in claims:
        case = ET.SubElement(suite, "testcase", {
            "classname": f"metabound.{c.get('check', 'claim')}",
            "name": _x(c.get("id", "?")),
            "time": _seconds(c.get("elapsed_s"))})
        status = c.get("status")
        if status == "fail":
            el = ET.SubElement(case, "failure", {"message": _x(_failure_message(c)),
                                                 "type": "ClaimFailed"})
            el.text = _x(format_claim(dict(c), only_failing=True))
        elif status == "vacuous":
            el = ET.SubElement(case, "failure", {"message": _x(vacuous_message(c)),
                                                 "type": "ClaimVacuous"})
            el.text = _x(_vacuous_text(c))
        elif status != "pass":
            el = ET.SubElement(case, "error", {"message": _x(_error_message(c)),
                                               "type": "ClaimError"})
            el.text = _x(_error_text(c))
        out = ET.SubElement(case, "system-out")
        out.text = _x(_system_out(c))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=False).join(
        ['<?xml version="1.0" encoding="UTF-8"?>\n', "\n"])
