"""The notebook opened in JupyterLab (papermill with its default parameters stands in for it): a ledger
error shows the problems and the report computed from the valid rows, instead of a traceback."""

from __future__ import annotations

from pathlib import Path

import papermill
import pytest

from ogi_report.build import DEFAULT_NOTEBOOK
from ogi_report.problems import InputError
from ogi_report.report import load_report

BAD = Path(__file__).parent / "bad_inputs"


def _outputs(nb) -> str:
    return "\n".join(str(o.get("data", {}).get("text/html", "")) + str(o.get("text", ""))
                     for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_a_preview_with_ledger_errors_shows_the_problems_and_the_report(tmp_path):
    nb = papermill.execute_notebook(
        str(DEFAULT_NOTEBOOK), None, cwd=str(tmp_path), progress_bar=False, kernel_name="python3",
        parameters={"data_dir": str(BAD / "unknown_outcome"), "year": 2021, "output_dir": str(tmp_path)})
    shown = _outputs(nb)
    assert "预览：发现 3 个错误，报告不能发布。" in shown
    assert "错误：requests.csv 第" in shown  # the problems, file and row named
    assert "三、收到和处理政府信息公开申请情况" in shown  # and the report, computed from the valid rows
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_a_build_never_previews():
    with pytest.raises(InputError):
        load_report(BAD / "unknown_outcome", 2021)


def test_a_preview_needs_the_report_yaml_to_show_anything():
    with pytest.raises(InputError):
        load_report(BAD / "missing_report_yaml", 2021, preview=True)
    with pytest.raises(InputError):
        load_report(BAD / "malformed_agency_yaml", 2021, preview=True)


@pytest.mark.parametrize("case", sorted(p for p in BAD.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_every_catalogued_mistake_previews_or_says_why_not(case):
    try:
        report = load_report(case, 2021, preview=True)
    except InputError:
        return
    assert report.errors
    assert report.header().markup and report.body().markup and report.problem_list().markup
