"""The HTML tables reproduce the official layouts: labels in order, rowspans and colspans."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ogi_report.figures import compute
from ogi_report.formats import get_format
from ogi_report.ledgers import LEDGERS, empty_ledger
from ogi_report.tables import active_table, appeals_table, requests_table

FIGURES = compute({stem: empty_ledger(stem) for stem in LEDGERS}, {}, 2021)


def _cells(table_html: str, part: str):
    soup = BeautifulSoup(table_html, "html.parser")
    rows = soup.find(part).find_all("tr")
    return [[(c.get_text(), int(c.get("rowspan", 1)), int(c.get("colspan", 1))) for c in r.find_all(["th", "td"])]
            for r in rows]


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_requests_header_matches_the_template(format_id):
    fmt = get_format(format_id)
    head = _cells(requests_table(fmt, fmt.sections[2], FIGURES).html(), "thead")
    assert head[0] == [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)]
    assert head[1] == [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)]
    assert head[2] == [(label, 1, 1) for label in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]


def test_current_requests_body_rows_labels_and_spans():
    fmt = get_format("2021")
    body = _cells(requests_table(fmt, fmt.sections[2], FIGURES).html(), "tbody")
    assert len(body) == 25
    assert all(len([c for c in row if c[0].isdigit()]) == 7 for row in body)
    assert body[0][0] == ("一、本年新收政府信息公开申请数量", 1, 3)
    assert body[1][0] == ("二、上年结转政府信息公开申请数量", 1, 3)
    assert body[2][:2] == [("三、本年度办理结果", 22, 1), ("（一）予以公开", 1, 2)]
    assert body[3][0] == ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2)
    assert body[4][:2] == [("（三）不予公开", 8, 1), ("1.属于国家秘密", 1, 1)]
    assert body[12][:2] == [("（四）无法提供", 3, 1), ("1.本机关不掌握相关政府信息", 1, 1)]
    assert body[15][:2] == [("（五）不予处理", 5, 1), ("1.信访举报投诉类申请", 1, 1)]
    assert body[20][:2] == [("（六）其他处理", 3, 1), ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 1, 1)]
    assert body[23][0] == ("（七）总计", 1, 2)
    assert body[24][0] == ("四、结转下年度继续办理", 1, 3)


def test_trial_requests_has_a_single_other_handling_row():
    fmt = get_format("2019")
    body = _cells(requests_table(fmt, fmt.sections[2], FIGURES).html(), "tbody")
    assert len(body) == 23
    assert body[2][0] == ("三、本年度办理结果", 20, 1)
    assert body[20][0] == ("（六）其他处理", 1, 2)


def test_appeals_header_and_one_row_of_fifteen():
    fmt = get_format("2021")
    html = appeals_table(fmt, fmt.sections[3], FIGURES).html()
    head = _cells(html, "thead")
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert head[0] == [("行政复议", 1, 5), ("行政诉讼", 1, 10)]
    assert head[1] == [(r, 2, 1) for r in results] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)]
    assert head[2] == [(r, 1, 1) for r in results * 2]
    assert [c[0] for c in _cells(html, "tbody")[0]] == ["0"] * 15


@pytest.mark.parametrize(("format_id", "captions", "cells"), [
    ("2021", ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"], 10),
    ("2019", ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项",
              "第二十条第（九）项"], 22),
])
def test_active_blocks_captions_headers_and_cells(format_id, captions, cells):
    fmt = get_format(format_id)
    table = active_table(fmt, fmt.sections[1], FIGURES)
    body = _cells(table.html(), "tbody")
    assert [row[0][0] for row in body if row[0][2] == 4] == captions
    assert len(table.records) == cells
    if format_id == "2021":
        assert [c[0] for c in body[1]] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
        assert body[-1][0][0] == "行政事业性收费"
        assert body[-2][1] == ("本年收费金额（单位：万元）", 1, 3)
    else:
        assert [c[0] for c in body[1]] == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
        assert [c[0] for c in body[5]] == ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
    assert all(sum(c[2] for c in row) == 4 for row in body)  # every row spans the full width


def test_table_text_is_escaped():
    fmt = get_format("2021")
    table = requests_table(fmt, fmt.sections[2], FIGURES)
    table.body[0][0] = table.body[0][0].__class__("<script>alert(1)</script>", colspan=3)
    assert "<script>" not in table.html() and "&lt;script&gt;" in table.html()


def test_wide_tables_scroll_sideways_on_a_phone():
    """Table 三 squeezed to 390 px put one character per line; it now sits in a scrolling box on screens."""
    from importlib.resources import files

    fmt = get_format("2021")
    soup = BeautifulSoup(requests_table(fmt, fmt.sections[2], FIGURES).html(), "html.parser")
    assert soup.find("table").parent.get("class") == ["ogi-table-scroll"]
    css = files("ogi_report").joinpath("export/templates/ogi_report/report.css").read_text(encoding="utf-8")
    screen = css.split("@media screen {", 1)[1].split("}\n}", 1)[0]
    assert "overflow-x: auto" in screen and ".ogi-requests { min-width:" in screen
