"""audit.html: the office's one offline page — a body × rule matrix of the four states, each cell linking to
its findings. Every text comes from other bodies' files: the template escapes it (autoescape)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..tables import TEMPLATES
from .rules import FAIL, NOT_APPLICABLE, PASS, RULE_NAMES, RULES, STATES, UNKNOWN, worst

if TYPE_CHECKING:
    from .batch import Audited

# How a state sorts (worst first) and how it is drawn in the matrix.
SEVERITY = {FAIL: 0, UNKNOWN: 1, PASS: 2, NOT_APPLICABLE: 3, "": 4}
CSS_CLASS = {FAIL: "fail", UNKNOWN: "unknown", PASS: "pass", NOT_APPLICABLE: "na", "": "none"}


def audit_html(audited: list[Audited]) -> str:
    rows = []
    totals = {rule: dict.fromkeys(STATES, 0) for rule in RULES}
    for index, item in enumerate(audited, start=1):
        cells = []
        for rule in RULES:
            found = [f for f in item.findings if f.rule == rule]
            state = worst([f.state for f in found])
            if state:
                totals[rule][state] += 1
            cells.append({"rule": rule, "state": state, "css": CSS_CLASS[state], "order": SEVERITY[state],
                          "count": sum(f.state == state for f in found)})
        failures = sum(f.state == FAIL for f in item.findings)
        unknown = sum(f.state == UNKNOWN for f in item.findings)
        report = item.report
        rows.append({
            "anchor": f"r{index}", "name": item.name, "cells": cells, "failures": failures, "unknown": unknown,
            "agency": report.agency if report else "", "year": (report.year or "") if report else "",
            "title": report.title if report else "", "previous": item.previous,
            "findings": [(rule, [f for f in item.findings if f.rule == rule]) for rule in RULES],
        })
    return TEMPLATES.get_template("audit.html.j2").render(
        rows=rows, rules=RULES, rule_names=RULE_NAMES, totals=totals, states=STATES, PASS=PASS,
        css=CSS_CLASS)
