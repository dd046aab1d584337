"""Auditing this project's own published files (report.html, report.pdf, report.docx of the example
agency, 2020 on the trial template and 2021 on the current one): the audit's figures.csv is our
figures.csv byte for byte, and no rule finds a contradiction, last year's report included (I5, I6)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ogi_report.build import build
from ogi_report.cli import main

from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[int, Path]:
    out = tmp_path_factory.mktemp("outputs")
    notebook = ROOT / "notebooks" / "annual_report.ipynb"
    return {year: build(ROOT / "data" / "example", year, out, notebook).output for year in (2020, 2021)}


@pytest.mark.parametrize("edition", ["report.html", "report.pdf", "report.docx"])
def test_our_reports_audit_clean(built, tmp_path, edition):
    this, last = tmp_path / "2021", tmp_path / "2020"
    for year, folder in ((2021, this), (2020, last)):
        folder.mkdir()
        (folder / f"example-{year}{Path(edition).suffix}").write_bytes((built[year] / edition).read_bytes())
    out = tmp_path / "audit"
    assert main(["audit", str(this), "--previous", str(last), "--out", str(out)]) == 0
    name = f"example-2021{Path(edition).suffix}"
    assert (out / name / "figures.csv").read_bytes() == (built[2021] / "figures.csv").read_bytes()
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as f:
        findings = list(csv.DictReader(f))
    judged = {(r["rule"], r["state"]) for r in findings}
    # C5 compares prose: the example agency's prose is its own business, not a contradiction of ours.
    assert [r for r in findings if r["state"] == "不通过" and r["rule"] != "C5"] == []
    for rule in ("O1", "I1", "I2", "I3", "I4", "I5", "I6", "I7", "C1", "C2", "C3", "C4"):
        assert (rule, "通过") in judged, rule
    assert not [r for r in findings if r["state"] == "无法判断" and r["rule"] != "I7"]
