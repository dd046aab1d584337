"""The rules on published reports (audit/rules.py): every rule catches its own contradiction, a blank
cell is 无法判断 and never 通过 or 不通过, and the prose's numbers are bound to their own phrases.

The reports are the corpus pages of tests/audit_fixtures/corpus (our example agency's reports, rendered
in portal styles by scripts/make_audit_corpus.py), read once and then changed cell by cell or line by line.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ogi_report import checks
from ogi_report.audit.model import PublishedCell, PublishedReport
from ogi_report.audit.readers import read_report
from ogi_report.audit.rules import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    UNKNOWN,
    audit,
    cell_measures,
    repeated_sentences,
    values_of,
)
from ogi_report.formats import get_format

CORPUS = Path(__file__).parent / "audit_fixtures" / "corpus"
REQUESTS = "三、收到和处理政府信息公开申请情况"
APPEALS = "四、政府信息公开行政复议、行政诉讼情况"
ACTIVE = "二、主动公开政府信息情况"
OVERVIEW = "一、总体情况"
PROBLEMS = "五、存在的主要问题及改进情况"
OTHER = "六、其他需要报告的事项"


@pytest.fixture(scope="module")
def clean() -> PublishedReport:
    """示例街道 2024 in the TRS style with every cell filled (trs-gbk-2021 is 2021; zoom-split is 2023)."""
    return read_report(CORPUS / "trs-gbk-2021.html")


@pytest.fixture(scope="module")
def last_year() -> PublishedReport:
    return read_report(CORPUS / "zoom-split-2023.html")


@pytest.fixture(scope="module")
def this_year() -> PublishedReport:
    return read_report(CORPUS / "zoom-blanks-2024.html")


def with_cell(report: PublishedReport, table: str, row: str, column: str, value: float | None,
              text: str | None = None) -> PublishedReport:
    cells = [dataclasses.replace(c, value=value, text=text if text is not None else str(value))
             if (c.table, c.row, c.column) == (table, row, column) else c for c in report.cells]
    assert cells != report.cells, (table, row, column)
    return dataclasses.replace(report, cells=cells)


def with_section(report: PublishedReport, heading: str, text: str | None) -> PublishedReport:
    sections = dict(report.sections)
    if text is None:
        del sections[heading]
    else:
        sections[heading] = text
    return dataclasses.replace(report, sections=sections)


def states(findings, rule: str) -> list[str]:
    return [f.state for f in findings if f.rule == rule]


def failures(findings, rule: str | None = None):
    return [f for f in findings if f.state == FAIL and (rule is None or f.rule == rule)]


def test_a_clean_report_passes_every_rule(clean):
    findings = audit(clean)
    assert failures(findings) == []
    for rule in ("读取", "O1", "I1", "I2", "I3", "I4", "I7", "C1", "C2", "C3", "C4"):
        assert PASS in states(findings, rule), rule
    # No previous report: the year-over-year rules cannot be judged, and say so.
    assert set(states(findings, "I5")) == {UNKNOWN} and set(states(findings, "C5")) == {UNKNOWN}


def test_every_cell_maps_to_the_measure_our_build_computes():
    measures = cell_measures("2021")
    assert measures[(REQUESTS, "一、本年新收政府信息公开申请数量", "自然人")] == "requests.received.自然人"
    assert measures[(APPEALS, "行政诉讼/复议后起诉", "结果纠正")] == "appeals.行政诉讼（复议后起诉）.纠正"
    assert len(measures) == 200  # the 200 lines of a 2021 figures.csv


def test_o1_names_the_column_both_sides_and_the_cells(clean):
    row = "一、本年新收政府信息公开申请数量"
    before = clean.value(REQUESTS, row, "自然人")
    report = with_cell(clean, REQUESTS, row, "自然人", before + 1)
    [o1] = failures(audit(report), "O1")
    assert (o1.table, o1.column) == (REQUESTS, "自然人")
    assert "第一项加第二项" in o1.detail and "第三项加第四项" in o1.detail
    assert clean.cell(REQUESTS, row, "自然人").where in o1.detail
    assert {f.column for f in failures(audit(report), "I1")} == {""}  # the row total no longer adds up either


def test_i1_i2_i3_each_catch_a_wrong_total(clean):
    report = with_cell(clean, REQUESTS, "予以公开", "商业企业", clean.value(REQUESTS, "予以公开", "商业企业") + 2)
    findings = audit(report)
    assert [(f.row, f.column) for f in failures(findings, "I1")] == [("予以公开", "")]
    assert [f.column for f in failures(findings, "I2")] == ["商业企业"]
    report = with_cell(clean, APPEALS, "行政复议", "结果维持", clean.value(APPEALS, "行政复议", "结果维持") + 1)
    assert [f.row for f in failures(audit(report), "I3")] == ["行政复议"]


def test_i4_a_negative_or_fractional_count(clean):
    report = with_cell(clean, ACTIVE, "行政许可", "本年处理决定数量", 2.5)
    [i4] = failures(audit(report), "I4")
    assert (i4.row, i4.column) == ("行政许可", "本年处理决定数量") and "不是非负整数" in i4.detail


def test_a_blank_cell_is_never_judged_as_zero(clean):
    # 予以公开/自然人 left blank: the sums it is part of cannot be judged, whatever the other cells say.
    report = with_cell(clean, REQUESTS, "予以公开", "自然人", None, "")
    findings = audit(report)
    i1 = [f for f in findings if f.rule == "I1" and f.row == "予以公开"]
    assert [f.state for f in i1] == [UNKNOWN] and "未填" in i1[0].detail
    assert [f.state for f in findings if f.rule == "I2" and f.column == "自然人"] == [UNKNOWN]
    assert failures(findings) == []
    # A 0 written instead would have been a contradiction.
    assert failures(audit(with_cell(clean, REQUESTS, "予以公开", "自然人", 0, "0")), "I1")


def test_i5_and_i6_against_last_years_report(this_year, last_year):
    findings = audit(this_year, last_year)
    assert failures(findings) == [] or {f.rule for f in failures(findings)} == {"C5"}
    column = "总计"
    carried = last_year.value(REQUESTS, "四、结转下年度继续办理", column)
    changed = with_cell(last_year, REQUESTS, "四、结转下年度继续办理", column, carried + 3)
    [i5] = failures(audit(this_year, changed), "I5")
    assert i5.column == column and "上一年" in i5.detail
    in_force = this_year.value(ACTIVE, "行政规范性文件", "现行有效件数")
    report = with_cell(this_year, ACTIVE, "行政规范性文件", "现行有效件数", in_force + 5)
    [i6] = failures(audit(report, last_year), "I6")
    assert i6.row == "行政规范性文件" and i6.detail.startswith("提示")


def test_i6_does_not_apply_to_the_2019_template():
    report = read_report(CORPUS / "article-labels-2019.html")
    assert set(states(audit(report), "I6")) == {NOT_APPLICABLE}


def test_i7_binds_each_number_to_its_own_phrase(clean):
    received = clean.value(REQUESTS, "一、本年新收政府信息公开申请数量", "总计")
    carried = clean.value(REQUESTS, "二、上年结转政府信息公开申请数量", "总计")
    text = f"本年新收政府信息公开申请{received:g}件，上年结转{carried + 1:g}件。"
    findings = audit(with_section(clean, OVERVIEW, text))
    i7 = [f for f in findings if (f.rule == "I7" and "申请" in f.detail) or (f.rule == "I7" and "结转" in f.detail)]
    by_row = {f.row: f.state for f in i7}
    assert by_row["一、本年新收政府信息公开申请数量"] == PASS
    assert by_row["二、上年结转政府信息公开申请数量"] == FAIL


def test_i7_percentages_and_claims_against_table_four(clean):
    replied = clean.value(REQUESTS, "总计", "总计")
    granted = clean.value(REQUESTS, "予以公开", "总计")
    share = 100 * granted / replied
    good = f"其中予以公开{granted:g}件，占{share:.1f}%。"
    bad = f"其中予以公开{granted:g}件，占{share + 3:.1f}%。"
    assert failures(audit(with_section(clean, OVERVIEW, good)), "I7") == []
    [wrong] = failures(audit(with_section(clean, OVERVIEW, bad)), "I7")
    assert f"{share + 3:.1f}%" in wrong.detail
    # 表四 says nothing was corrected: "均获维持" agrees unless a 纠正 is written there.
    claim = "本年度发生政府信息公开行政复议案件，均获维持。"
    assert PASS in states(audit(with_section(clean, OVERVIEW, claim)), "I7")
    corrected = with_cell(clean, APPEALS, "行政复议", "结果纠正", 1)
    assert failures(audit(with_section(corrected, OVERVIEW, claim)), "I7")
    blank = with_cell(clean, APPEALS, "行政复议", "结果纠正", None, "/")
    claimed = [f.state for f in audit(with_section(blank, OVERVIEW, claim)) if f.rule == "I7" and "均获维持" in f.detail]
    assert claimed == [UNKNOWN]


def test_c1_late_publication_and_no_date(clean):
    fmt = get_format("2021")
    late = dataclasses.replace(clean, published=fmt.deadline_for(clean.year).replace(day=28).isoformat()
                               .replace("-01-", "-02-"))
    assert states(audit(late), "C1") == [FAIL]
    assert states(audit(dataclasses.replace(clean, published=None)), "C1") == [UNKNOWN]


def test_c2_c3_c4_structure(clean):
    assert states(audit(with_section(clean, PROBLEMS, None)), "C2") == [FAIL]
    assert states(audit(with_section(clean, PROBLEMS, "无。")), "C3") == [FAIL]
    assert states(audit(with_section(clean, OTHER, "本年度无其他需要报告的事项。")), "C4") == [FAIL]
    old = read_report(CORPUS / "article-labels-2019.html")
    assert states(audit(old), "C4") == [NOT_APPLICABLE]


def test_c5_lists_the_sentences_copied_from_last_year(clean):
    copied = ("我们深入贯彻政务公开工作部署，持续完善制度机制。严格执行公开前保密审查，动态更新政府信息公开目录。"
              "以政府网站为第一平台，及时发布各类信息。")
    last = with_section(clean, OVERVIEW, copied)
    this = with_section(clean, OVERVIEW, copied.replace("持续", "不断") + "今年新开设了政务公开专区，群众可现场查阅。")
    [c5] = [f for f in audit(this, dataclasses.replace(last, year=clean.year - 1)) if f.rule == "C5" and f.table == OVERVIEW]
    assert c5.state == FAIL and "3/4" in c5.detail and "严格执行公开前保密审查" in c5.detail
    assert "政务公开专区" not in c5.detail
    repeated, total = repeated_sentences("全新的表述，与上一年完全不同的一句话。另一句也是全新的内容表述。", copied)
    assert (repeated, total) == ([], 2)


def test_an_unrecognised_report_is_unknown_not_passed():
    report = PublishedReport(source="x.html", title="某局2023年政府信息公开工作年度报告", year=2023,
                             cells=[], sections={})
    findings = audit(report)
    # Only the parts it lacks are contradictions (no part 六, so no 信息处理费 statement either).
    assert {f.rule for f in failures(findings)} == {"C2", "C4"}
    assert set(states(findings, "O1")) == {UNKNOWN}


def test_group_sums_bound_for_the_prose(clean):
    values = values_of(clean)
    parts = [v for k, v in values.numbers.items() if k.startswith("requests.replied.不予公开/") and k.endswith(".总计")]
    assert values.numbers["requests.replied.不予公开.总计"] == sum(parts)
    litigation = [values.numbers[f"appeals.行政诉讼（{k}）.总计"] for k in ("未经复议直接起诉", "复议后起诉")]
    assert values.numbers["appeals.行政诉讼.总计"] == sum(litigation)


def test_the_rules_share_checks_equations():
    # One source for the sums: the audit evaluates checks.Balance, the build evaluates the same list.
    fmt = get_format("2021")
    balance = checks.o1_balances(fmt)[0]
    cells = {m: 1.0 for m, _, _ in balance.terms}
    assert checks.side(balance.left, cells) == checks.side(balance.right, cells) == 2
    assert checks.side(balance.left, {**cells, balance.left[0][0]: None}) is None


def test_a_cell_without_a_measure_is_ignored_not_guessed(clean):
    stray = PublishedCell(REQUESTS, "某自创行", "自然人", 5, "5", "第9个表格第1行第1列")
    report = dataclasses.replace(clean, cells=[*clean.cells, stray])
    assert failures(audit(report)) == []


def test_i7_a_claim_of_no_appeals_covers_both_kinds(clean):
    claim = "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。"
    found = [f for f in audit(with_section(clean, OVERVIEW, claim)) if f.rule == "I7" and "未发生" in f.detail]
    assert {f.detail.split("，")[-1][:4] for f in found} == {"行政复议", "行政诉讼"}
    # The table has appeals: the claim contradicts it.
    has_appeals = clean.value(APPEALS, "行政复议", "总计")
    assert {f.state for f in found if "行政复议）" in f.detail} == {FAIL if has_appeals else PASS}


def test_i7_a_growth_rate_is_not_a_share(clean):
    text = f"本年新收政府信息公开申请{clean.value(REQUESTS, '一、本年新收政府信息公开申请数量', '总计'):g}件，同比增长15%。"
    found = [f for f in audit(with_section(clean, OVERVIEW, text)) if f.rule == "I7" and "15%" in f.detail]
    assert [f.state for f in found] == [NOT_APPLICABLE]


def test_a_blank_stays_unknown_but_says_when_the_filled_cells_already_exceed(clean):
    total = clean.value(REQUESTS, "予以公开", "总计")
    report = with_cell(clean, REQUESTS, "予以公开", "自然人", total + 5)
    report = with_cell(report, REQUESTS, "予以公开", "商业企业", None, "")
    [i1] = [f for f in audit(report) if f.rule == "I1" and f.row == "予以公开"]
    assert i1.state == UNKNOWN and "已大于另一边" in i1.detail
