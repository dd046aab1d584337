"""I7's reading of prose: each stated number bound to its own phrase, in the wordings analysts use."""

from __future__ import annotations

import pytest

from ogi_report.checks import prose_phrases
from ogi_report.formats import get_format
from ogi_report.statements import find, parse_number

FMT = get_format("2021")
NAMES = {name: 0 for name in FMT.prose_names} | {name: 0 for name in FMT.prose_ratios}
PHRASES = prose_phrases(FMT, NAMES)


def _bound(text: str) -> list[tuple[str | None, float, str]]:
    return [(s.name, s.value, s.unit) for s in find(text, PHRASES)]


@pytest.mark.parametrize(("text", "expected"), [
    # The example data's own wording (it was missed before)
    ("本年新收政府信息公开申请21件，上年结转5件；办结29件，其中予以公开13件，占44.8%；结转下年度继续办理3件。", [
        ("本年新收申请数", 21, "件"), ("上年结转申请数", 5, "件"), ("本年办结申请数", 29, "件"),
        ("予以公开数", 13, "件"), ("予以公开占比", 44.8, "%"), ("结转下年度申请数", 3, "件")]),
    ("本年制发行政规范性文件5件，废止0件，现行有效55件。", [
        ("本年制发规范性文件数", 5, "件"), ("本年废止规范性文件数", 0, "件"), ("现行有效规范性文件数", 55, "件")]),
    ("全年受理政府信息公开申请二十一件。", [("本年新收申请数", 21, "件")]),
    ("全年主动公开信息355条，其中通过政务微信公开204条。", [
        ("主动公开政府信息数", 355, "条"), ("政务微信公开政府信息数", 204, "条")]),
    ("同意公开8件，占比50%。", [("予以公开数", 8, "件"), ("予以公开占比", 50, "%")]),
    ("依法收取信息处理费2笔，共计0.02万元。", [("信息处理费笔数", 2, "笔"), ("信息处理费金额", 0.02, "万元")]),
    ("被申请行政复议3件，其中被纠错1件；被提起行政诉讼两件，尚未审结1件。", [
        ("行政复议数", 3, "件"), ("行政复议纠正数", 1, "件"), ("行政诉讼数", 2, "件"), ("行政诉讼尚未审结数", 1, "件")]),
    # Numbers that belong to no figure are not statements
    ("2025年，依据第二十条第（五）项，全年组织培训不少于两次。", []),
    ("同比增长15%。", []),
    ("办结后三个工作日内完成登记，两个月内答复完毕。", []),
])
def test_each_number_is_bound_to_its_own_phrase(text, expected):
    assert _bound(text) == expected


def test_chinese_numerals_and_separators():
    assert [parse_number(t) for t in ("21", "1,200.5", "二十一", "两", "一百零五", "十", "三万二千", "二三")] == [
        21, 1200.5, 21, 2, 105, 10, 32000, None]


def _report(agency, prose):
    from ogi_report.ledgers import load_agency_data
    from ogi_report.report import Report

    requests = ("编号,收到日期,申请人类型,办理结果,答复日期,信息处理费（元）\n"
                "A1,2021-03-01,自然人,予以公开,2021-03-10,100\nA2,2021-04-01,商业企业,部分公开,2021-04-10,0\n")
    folder = agency({"requests": requests}, {2021: "发布日期: 2022-01-20\n"}, {2021: {"总体情况": prose}})
    return Report(load_agency_data(folder, 2021))


def test_contradictions_in_every_wording_are_errors_with_the_figure(agency):
    report = _report(agency, "本年新收政府信息公开申请二十一件，其中予以公开1件，占40%。\n\n收取信息处理费1笔，共计0.02万元。")
    i7 = [(p.row, p.message) for p in report.problems if p.rule == "I7"]  # in text order
    assert [row for row, _ in i7] == [1, 1, 3]
    assert "新收政府信息公开申请二十一件" in i7[0][1] and "2件" in i7[0][1]
    assert "占40%" in i7[1][1] and "50%" in i7[1][1]
    assert "0.02万元" in i7[2][1] and "0.01万元" in i7[2][1]
    assert not any(p.warning for p in report.problems if p.rule == "I7")


def test_agreeing_statements_in_yuan_pass(agency):
    report = _report(agency, "新收申请2件，予以公开1件，部分公开1件。收取信息处理费1笔，共计100元。")
    assert [p for p in report.problems if p.rule == "I7"] == []


def test_a_number_that_cannot_be_checked_is_a_warning(agency):
    report = _report(agency, "予以公开1件，占比50%，部分公开1件。新收申请2万元。")
    i7 = [p for p in report.problems if p.rule == "I7"]
    assert len(i7) == 1 and i7[0].warning and "单位是件" in i7[0].message
