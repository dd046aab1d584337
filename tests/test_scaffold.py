"""`ogi-report init`: the scaffold builds, its templates carry the validator's vocabulary."""

from __future__ import annotations

import openpyxl
import pytest

from ogi_report.cli import main
from ogi_report.ledgers import LEDGERS, _allowed, load_agency_data


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "agency"
    assert main(["init", str(target), "--name", "测试机构", "--short", "测试", "--year", "2021"]) == 0
    return target


def test_init_creates_files_and_checks_clean(folder, capsys):
    assert (folder / "agency.yaml").exists()
    assert (folder / "2021" / "report.yaml").exists()
    assert (folder / "2021" / "narrative" / "总体情况.md").exists()
    assert all((folder / f"{stem}.xlsx").exists() for stem in LEDGERS)
    capsys.readouterr()
    assert main(["check", str(folder), "--year", "2021"]) == 0
    out = capsys.readouterr().out
    assert "0 个错误" in out
    assert "以下台账还没有任何记录，相应数字为 0：proactive.xlsx、documents.xlsx" in out


@pytest.mark.slow
def test_a_report_builds_right_after_init_and_names_the_empty_ledgers(folder, tmp_path, capsys):
    from .conftest import ROOT

    notebook = ROOT / "notebooks" / "annual_report.ipynb"
    capsys.readouterr()
    assert main(["build", str(folder), "--year", "2021", "--out", str(tmp_path / "out"), "--notebook",
                 str(notebook)]) == 0
    out = capsys.readouterr().out
    assert "还没有任何记录" in out and "requests.xlsx" in out
    assert (tmp_path / "out" / "agency" / "2021" / "report.pdf").is_file()


def test_existing_folder_refused(folder, capsys):
    assert main(["init", str(folder), "--name", "x", "--short", "x", "--year", "2021"]) == 1
    assert "已存在" in capsys.readouterr().err


def test_dropdowns_cover_enumerated_columns(folder):
    for stem, spec in LEDGERS.items():
        wb = openpyxl.load_workbook(folder / f"{stem}.xlsx")
        ws = wb.worksheets[0]
        covered = {str(r).split(":")[0].rstrip("0123456789")
                   for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
        for i, col in enumerate(spec.columns, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            assert ws.cell(row=1, column=i).value == col.header
            assert (letter in covered) == bool(col.vocab), (stem, col.header)
        assert "填写说明" in wb.sheetnames
    wb = openpyxl.load_workbook(folder / "requests.xlsx")
    outcome = next(dv for dv in wb.worksheets[0].data_validations.dataValidation
                   if not dv.formula1.startswith('"'))
    assert outcome.formula1 in wb.defined_names


def _fill_requests(folder, outcome: str) -> None:
    path = folder / "requests.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    row = {"编号": "2021-001", "收到日期": "2021-03-01", "申请人类型": _allowed("申请人类型")[0][0],
           "申请方式": _allowed("申请方式")[0][0], "办理结果": outcome, "答复日期": "2021-03-10"}
    ws.append([row.get(h) for h in headers])
    wb.save(path)


def test_filled_template_checks(folder):
    _fill_requests(folder, "予以公开")
    data = load_agency_data(folder, 2021)
    assert len(data.ledgers["requests"]) == 1
    assert all(len(data.ledgers[stem]) == 0 for stem in LEDGERS if stem != "requests")
    assert main(["check", str(folder), "--year", "2021"]) == 0


def test_value_outside_dropdown_is_named(folder, capsys):
    _fill_requests(folder, "随便")
    assert main(["check", str(folder), "--year", "2021"]) == 1
    err = capsys.readouterr().err
    assert "requests.xlsx" in err and "第2行" in err and "办理结果" in err


def test_narrative_hint_is_a_jinja_comment(folder):
    from ogi_report.narrative import fill

    source = (folder / "2021" / "narrative" / "总体情况.md").read_text(encoding="utf-8")
    assert source.startswith("{#")
    text, problems = fill(source, {"年度": 2021, "主动公开政府信息数": 3, "本年新收申请数": 2}, "总体情况.md")
    assert not problems and "{#" not in text and "主动公开政府信息3条" in text
