"""The official layouts as data match spec/official-templates.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ogi_report.formats import default_format_id, get_format, national_outcomes

DOCS = Path(__file__).resolve().parents[1] / "docs"
SPEC = DOCS / "spec" / "official-templates.md"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_format_follows_report_year():
    assert [default_format_id(y) for y in (2017, 2018, 2019, 2020, 2021, 2025)] == [
        "2008", "2008", "2019", "2019", "2021", "2021"]


def test_current_table_three_has_25_rows_and_7_columns():
    layout = get_format("2021").requests
    assert len(layout.row_leaves()) == 25
    assert [c.label for c in layout.column_leaves()] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def test_trial_table_three_has_23_rows():
    assert len(get_format("2019").requests.row_leaves()) == 23


def test_outcome_keys_follow_the_contract():
    outcomes = national_outcomes()
    assert outcomes[:3] == ("予以公开", "部分公开", "不予公开/属于国家秘密")
    assert "不予公开/属于行政查询事项" in outcomes
    assert "无法提供/补正后申请内容仍不明确" in outcomes
    assert "不予处理/要求行政机关确认或重新出具已获取信息" in outcomes
    assert outcomes[-1] == "其他处理/其他"
    assert len(outcomes) == 21


def test_table_three_labels_are_verbatim_from_the_spec():
    block = SPEC.read_text(encoding="utf-8").split("Rows, in order")[1].split("```")[1]
    spec_labels = [line.strip() for line in block.strip().splitlines()]
    layout = get_format("2021").requests

    def walk(nodes):
        for n in nodes:
            yield n.label
            yield from walk(n.children)

    assert list(walk(layout.rows)) == spec_labels


@pytest.mark.skipif(not (SHARED / "spec").is_dir(), reason="the shared contract is not beside the repository")
@pytest.mark.parametrize("name", ["spec/ledgers.md", "spec/official-templates.md",
                                  "seed/naizishan-2017-annual-report.txt"])
def test_docs_carry_the_shared_contract_unchanged(name):
    """docs/ is what a user of the repository has; it must say what the shared contract says."""
    assert (DOCS / name).read_bytes() == (SHARED / name).read_bytes()


def test_chinese_contract_names_every_ledger_and_column():
    from ogi_report.ledgers import LEDGERS

    text = (DOCS / "数据约定.md").read_text(encoding="utf-8") + (DOCS / "数据约定补充.md").read_text(encoding="utf-8")
    for spec in LEDGERS.values():
        assert f"{spec.stem}.csv" in text, spec.stem
        for column in spec.columns:
            # a row of a column table, or an optional column named in the additions
            assert f"| {column.header} |" in text or f"“{column.header}”" in text, (spec.stem, column.header)


def test_customary_sections_and_first_indicators_verbatim():
    fmt = get_format("2008")
    assert [s.heading for s in fmt.sections] == [
        "一、基本工作情况", "二、主动公开政府信息情况", "三、回应解读情况", "四、依申请公开政府信息情况",
        "五、行政复议、诉讼和举报投诉情况", "六、机构建设、保障经费和培训会议情况", "七、存在问题及工作打算"]
    labels = [i.label for i in fmt.section("二、主动公开政府信息情况").indicators]
    assert labels[:3] == ["主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "其中：主动公开规范性文件数",
                          "制发规范性文件总数"]
    assert all(re.fullmatch(r"[^\s]+", label) for label in labels)
