"""junit.xml: one test case per claim, so CI systems show failures natively.

The layout is the common JUnit XML dialect read by GitHub Actions reporters,
GitLab, Jenkins and Azure DevOps::

    <testsuites name="metabound" tests= failures= errors= skipped= time=>
      <testsuite name="metabound.verify" tests= failures= errors= skipped= time=
                 timestamp= hostname=>
        <properties><property name= value=/>...</properties>
        <testcase classname="metabound.<check>" name="<claim id>" time=>
          <failure message= type="ClaimFailed">details</failure>   (status fail)
          <error message= type="ClaimError">details</error>        (status error)
          <system-out>the claim's full description</system-out>
        </testcase>
      </testsuite>
    </testsuites>
"""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from ..results import format_claim
from .tables import RATE_CHECKS, failing_points, fmt, slope_text

__all__ = ["render_junit"]


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
    if claim.get("check") in RATE_CHECKS and fit:
        return (f"{slope_text(fit)} outside target {fit.get('target')}, "
                f"p adjusted {fmt(fit.get('p_adjusted'), '.3g')}")
    points = claim.get("points") or []
    return (f"{len(failing_points(claim))} of {len(points)} sweep points fail the "
            f"{claim.get('check')} check")


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
        passing claims have no child but ``system-out``, failing claims a
        ``failure``, claims whose simulation raised an ``error``.
    """
    claims = list(results.get("claims") or [])
    failures = sum(1 for c in claims if c.get("status") == "fail")
    errors = sum(1 for c in claims if c.get("status") not in ("pass", "fail"))
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
                        ("version", prov.get("version"))):
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
        elif status != "pass":
            el = ET.SubElement(case, "error", {
                "message": _x(c.get("message") or f"status {status}"),
                "type": "ClaimError"})
            el.text = _x(c.get("message") or "")
        out = ET.SubElement(case, "system-out")
        out.text = _x(format_claim(dict(c)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=False).join(
        ['<?xml version="1.0" encoding="UTF-8"?>\n', "\n"])
