"""T1, reply timeliness: working days by China's official calendar, counted by hand below from the
State Council's holiday notices (国办发明电〔2023〕7号 for 2024, 国办发明电〔2024〕12号 for 2025)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ogi_report import timeliness
from ogi_report.cli import main
from ogi_report.ledgers import parse_ledger
from ogi_report.report import load_report

from .conftest import make_agency

HEADER = ["编号", "收到日期", "申请人类型", "办理结果", "答复日期", "延期", "补正收到日期", "征求意见天数"]


def _ledger(*rows: dict[str, str]) -> pd.DataFrame:
    """A typed requests ledger from rows (missing cells empty), rows numbered from 2 as in Excel."""
    raw = pd.DataFrame([{h: r.get(h, "") for h in HEADER} for r in rows], columns=HEADER, dtype=object)
    raw["_row"] = range(2, len(raw) + 2)
    typed, problems = parse_ledger("requests", raw, "requests.csv")
    assert problems == []
    return typed


def _request(id_: str, received: str, replied: str, **extra: str) -> dict[str, str]:
    return {"编号": id_, "收到日期": received, "申请人类型": "自然人", "办理结果": "予以公开", "答复日期": replied, **extra}


def _days(start: str, end: str) -> float:
    return timeliness.calendar().between(np.array([start], "datetime64[D]"), np.array([end], "datetime64[D]"))[0]


def test_national_day_2024_and_its_adjusted_saturday():
    # Received Fri 27 Sep: Sun 29 Sep and Mon 30 Sep are working days, 1–7 Oct are the holiday,
    # Tue 8 – Fri 11 Oct working, Sat 12 Oct an adjusted working day.
    assert _days("2024-09-27", "2024-10-07") == 2
    assert _days("2024-09-27", "2024-10-11") == 6
    assert _days("2024-09-27", "2024-10-12") == 7
    assert _days("2024-09-27", "2024-10-30") == 20


def test_spring_festival_2025_counts_the_adjusted_sunday_and_saturday():
    # Received Fri 24 Jan: Sun 26 Jan and Mon 27 Jan worked, 28 Jan – 4 Feb off, 5–7 Feb worked,
    # Sat 8 Feb an adjusted working day. Mon–Fri alone would give 10 by 7 Feb.
    assert _days("2025-01-24", "2025-02-07") == 5
    assert _days("2025-01-24", "2025-02-08") == 6


def test_a_reply_on_the_twentieth_working_day_is_in_time_the_twenty_first_is_a_warning():
    ledger = _ledger(_request("A-1", "2024-09-27", "2024-10-30"), _request("A-2", "2024-09-27", "2024-10-31"))
    problems = timeliness.t1(ledger, 2024, "requests.csv")
    assert [(p.rule, p.row, p.column, p.warning) for p in problems] == [("T1", 3, "答复日期", True)]
    assert "“A-2”" in problems[0].message and "用了 21 个工作日" in problems[0].message
    assert "第三十三条" in problems[0].message and "「延期」未填“是”" in problems[0].message


def test_an_approved_extension_allows_forty_working_days():
    # After Mon 20 Jan 2025: 21–24 Jan (4), Sun 26 and Mon 27 Jan (6), 5–7 Feb (9), Sat 8 Feb (10), then
    # five a week for six weeks to Fri 21 Mar (40); Mon 24 Mar is the 41st.
    assert _days("2025-01-20", "2025-03-21") == 40 and _days("2025-01-20", "2025-03-24") == 41
    ledger = _ledger(_request("B-1", "2025-01-20", "2025-03-21", 延期="是"),
                     _request("B-2", "2025-01-20", "2025-03-24", 延期="是"),
                     _request("B-3", "2025-01-20", "2025-03-24", 延期="否"),
                     _request("B-4", "2025-01-20", "2025-03-21"))
    problems = timeliness.t1(ledger, 2025, "requests.csv")
    assert [p.row for p in problems] == [3, 4, 5]
    assert "用了 41 个工作日" in problems[0].message and "含延期共 40 个工作日" in problems[0].message
    assert "延期也最多 40 个工作日" in problems[1].message
    assert "用了 40 个工作日" in problems[2].message and "「延期」未填“是”" in problems[2].message


def test_a_corrected_application_restarts_the_clock_and_consultation_days_do_not_count():
    # From Fri 27 Sep 2024 to Tue 12 Nov: 29 working days (national day above); from the corrected
    # application of Mon 14 Oct: 15–18 Oct (4), 21–25 (9), 28 Oct – 1 Nov (14), 4–8 Nov (19), 11–12 (21).
    assert _days("2024-09-27", "2024-11-12") == 29 and _days("2024-10-14", "2024-11-12") == 21
    ledger = _ledger(_request("C-1", "2024-09-27", "2024-11-12", 补正收到日期="2024-10-14"),
                     _request("C-2", "2024-09-27", "2024-11-12", 征求意见天数="10"),
                     _request("C-3", "2024-09-27", "2024-11-12", 补正收到日期="2024-10-14", 征求意见天数="3"),
                     _request("C-4", "2024-09-27", "2024-11-12"),
                     _request("C-5", "2024-09-27", "2024-11-12", 征求意见天数="5"))
    problems = timeliness.t1(ledger, 2024, "requests.csv")
    assert [p.row for p in problems] == [2, 5, 6]
    assert "用了 21 个工作日（自补正收到日期 2024-10-14 起算）" in problems[0].message
    assert "用了 29 个工作日，" in problems[1].message
    assert "用了 24 个工作日（已扣除征求意见 5 个工作日）" in problems[2].message


def test_before_the_revised_regulation_the_deadline_was_fifteen_working_days():
    # 2019-03-06 (Wed) to 2019-03-27: 15 working days; to 2019-03-28: 16 (no holiday in between)
    ledger = _ledger(_request("D-1", "2019-03-06", "2019-03-27"), _request("D-2", "2019-03-06", "2019-03-28"),
                     _request("D-3", "2019-05-15", "2019-06-05"))
    problems = timeliness.t1(ledger, 2019, "requests.csv")
    assert [p.row for p in problems] == [3]
    assert "2007年《政府信息公开条例》第二十四条" in problems[0].message and "15 个工作日" in problems[0].message


def test_a_date_beyond_the_calendar_is_said_not_guessed():
    last = timeliness.calendar().last
    beyond = f"{last.year + 1}-03-02"
    ledger = _ledger(_request("E-1", f"{last.year + 1}-01-05", beyond))
    problems = timeliness.t1(ledger, last.year + 1, "requests.csv")
    assert len(problems) == 1 and problems[0].warning and problems[0].rule == "T1"
    assert "超出节假日日历的范围" in problems[0].message and "“E-1”" in problems[0].message
    assert "用了" not in problems[0].message
    assert not timeliness.replies(ledger, last.year + 1)["overdue"].any()


def test_only_replies_of_the_year_are_checked():
    ledger = _ledger(_request("F-1", "2024-12-02", "2025-02-28"), _request("F-2", "2024-12-30", "") | {"办理结果": ""})
    assert timeliness.t1(ledger, 2024, "requests.csv") == []
    assert [p.row for p in timeliness.t1(ledger, 2025, "requests.csv")] == [2]


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("延期", "可能", "“可能”不是允许的值；允许的值：是、否"),
    ("征求意见天数", "-1", "“-1”不是非负整数（工作日数）"),
    ("征求意见天数", "三天", "“三天”不是非负整数（工作日数）"),
    ("补正收到日期", "2024-09-01", "补正收到日期早于收到日期"),
    ("补正收到日期", "2024-12-01", "补正收到日期晚于答复日期"),
])
def test_the_new_columns_are_validated(column, value, expected):
    raw = pd.DataFrame([_request("G-1", "2024-09-27", "2024-10-31") | {column: value}], dtype=object)
    raw["_row"] = [2]
    _, problems = parse_ledger("requests", raw, "requests.csv")
    assert [(p.file, p.row, p.column, p.message) for p in problems] == [("requests.csv", 2, column, expected)]


def test_t1_is_in_the_report_and_in_check_output(tmp_path, capsys):
    rows = [_request("H-1", "2024-09-27", "2024-10-31", 申请方式="网络"), _request("H-2", "2024-09-27", "2024-10-08")]
    folder = make_agency(tmp_path, {"requests": rows}, {2024: "发布日期: 2025-01-20\n"})
    report = load_report(folder, 2024)
    assert [(p.rule, p.row) for p in report.warnings] == [("T1", 2)]
    assert main(["check", str(folder), "--year", "2024", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "警告：[T1] requests.csv 第2行 「答复日期」列：编号“H-1”" in out and "0 个错误，1 个警告" in out


def test_init_templates_offer_the_new_columns(tmp_path):
    import openpyxl

    folder = tmp_path / "agency"
    assert main(["init", str(folder), "--name", "测试机构", "--short", "测试", "--year", "2024"]) == 0
    sheet = openpyxl.load_workbook(folder / "requests.xlsx").worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[-3:] == ["延期", "补正收到日期", "征求意见天数"]
    lists = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"是,否"' in lists
    assert "工作日数" in sheet.cell(row=1, column=len(header)).comment.text


def test_past_the_listing_limit_the_rest_are_counted_in_one_warning(monkeypatch):
    monkeypatch.setattr(timeliness, "MAX_LISTED", 2)
    # replied 11–14 Nov 2024: 28–31 working days after 27 Sep (see above)
    ledger = _ledger(*(_request(f"K-{i}", "2024-09-27", f"2024-11-{10 + i:02d}") for i in range(1, 5)))
    problems = timeliness.t1(ledger, 2024, "requests.csv")
    assert [p.row for p in problems] == [2, 3, None]
    assert "另有 2 件申请超过答复期限（本年共 4 件，最多用了 31 个工作日）" in problems[-1].message


def test_a_row_without_a_valid_receipt_date_is_left_to_the_ledger_error():
    raw = pd.DataFrame([_request("L-1", "", "2024-10-31"), _request("L-2", "2024-09-27", "2024-10-31")], dtype=object)
    raw["_row"] = [2, 3]
    typed, problems = parse_ledger("requests", raw, "requests.csv")
    assert [(p.row, p.column) for p in problems] == [(2, "收到日期")]
    assert [p.row for p in timeliness.t1(typed, 2024, "requests.csv")] == [3]


def test_a_region_counts_its_members_late_replies_once(capsys):
    """data/example-region: each member's late replies are its own check's; the 汇总 says how many."""
    from .conftest import ROOT

    region = ROOT / "data" / "example-region"
    report = load_report(region, 2025)
    t1 = [p for p in report.problems if p.rule == "T1"]
    assert len(t1) == 1 and t1[0].warning and t1[0].file is None
    late = int(t1[0].message.split("有 ")[1].split(" 件")[0])
    from ogi_report import overview

    ov = overview.load(region, 2025)
    assert late == sum(b.series[2025]["逾期答复"] or 0 for b in ov.bodies) > 0
