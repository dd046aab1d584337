"""Reading our own published files back: report.html, report.pdf and report.docx of naizishan 2017
(customary format) and of the example agency in 2019–2020 (trial template) and 2021, 2024 (current
template) must give exactly our figures.csv: every cell, no cell more, none unrecognised."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ogi_report.build import build
from ogi_report.formats import default_format_id

from .conftest import ROOT

pytestmark = pytest.mark.slow

NOTEBOOK = ROOT / "notebooks" / "annual_report.ipynb"
RUNS = [("naizishan", 2017), ("example", 2019), ("example", 2020), ("example", 2021), ("example", 2024)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[tuple[str, int], Path]:
    out = tmp_path_factory.mktemp("outputs")
    return {(agency, year): build(ROOT / "data" / agency, year, out, NOTEBOOK).output for agency, year in RUNS}


def figures(folder: Path) -> dict[tuple[str, str, str], float]:
    with (folder / "figures.csv").open(encoding="utf-8-sig", newline="") as f:
        return {(r["table"], r["row"], r["column"]): float(r["value"]) for r in csv.DictReader(f)}


@pytest.mark.parametrize("edition", ["report.html", "report.pdf", "report.docx"])
@pytest.mark.parametrize(("agency", "year"), RUNS)
def test_our_published_files_read_back_as_our_figures(outputs, agency, year, edition):
    from ogi_report.audit.readers import read_report

    folder = outputs[(agency, year)]
    report = read_report(folder / edition)
    assert {(c.table, c.row, c.column): c.value for c in report.cells} == figures(folder)
    assert report.missing == [] and report.unrecognised == [] and report.problems == []
    assert report.format_id == {"2008": "customary"}.get(default_format_id(year), default_format_id(year))
    assert report.year == year
    assert report.title.endswith(f"{year}年政府信息公开工作年度报告")
    assert report.published is not None
    assert len(report.sections) >= 6
