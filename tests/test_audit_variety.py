"""The audit readers on the variety of real portal pages: hand-written pages (tests/audit_fixtures/handmade/)
in the ways Chinese government portals publish these reports, each with the cells a careful reader finds
(`<page>.expected.csv`, an empty value where the page leaves the cell not filled).

- municipal-merged-2021: table 二 as one table under its four 第二十条 title rows, its money unit in the paragraph
  above ("（金额单位：元）"); a "单位：件" caption row over table 三; table 三's two label columns joined in one cell
  ("三、本年度办理结果 （一）予以公开"); table 四 on two header rows ("行政诉讼（复议后起诉）"); 0件, ３, 1,234,
  ——, "/ ", 无 and a blank.
- word-export-2022: Word's own HTML (MsoNormal, <o:p>, a <span> per digit, &nbsp;, <![if !supportMisc]>, GB2312);
  table 二 as four small tables; table 三's label columns repeated in every row instead of spanning.
- wps-export-2023: WPS's HTML (<font face>, quotes nested in style attributes); the unit in the header, 0.00 万元;
  table 三's header corner as three blank cells; 行政复议's results spanning two header rows.
- paged-first-2021: page 1 of an article the CMS cut into pages ("下一页"); paged-divs-2021: both pages in the
  page, one <div> each, table 三 continued in the second without its header; over the article a 信息公开 info
  table (索引号, 成文日期, 发布日期, 浏览次数…).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import docx
import pytest

from ogi_report.audit.interpret import MORE_PAGES
from ogi_report.audit.labels import label_notes, label_parts, table_unit
from ogi_report.audit.layout import targets
from ogi_report.audit.readers import read_report
from ogi_report.audit.rules import UNKNOWN, audit

HANDMADE = Path(__file__).parent / "audit_fixtures" / "handmade"
PAGES = sorted(p for p in HANDMADE.glob("*.html") if p.with_name(f"{p.stem}.expected.csv").exists())
T2 = "二、主动公开政府信息情况"
T3 = "三、收到和处理政府信息公开申请情况"
T4 = "四、政府信息公开行政复议、行政诉讼情况"


def expected(page: Path) -> dict[tuple[str, str, str], float | None]:
    with page.with_name(f"{page.stem}.expected.csv").open(encoding="utf-8", newline="") as f:
        return {(r["table"], r["row"], r["column"]): float(r["value"]) if r["value"] else None
                for r in csv.DictReader(f)}


def test_every_variant_has_its_page():
    assert {p.stem for p in PAGES} == {"municipal-merged-2021", "word-export-2022", "wps-export-2023",
                                        "paged-first-2021", "paged-divs-2021"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_a_handmade_page_gives_exactly_its_cells(page):
    report = read_report(page)
    cells = {(c.table, c.row, c.column): c.value for c in report.cells}
    want = expected(page)
    assert report.format_id == "2021" and report.year == int(page.stem[-4:])
    assert cells == want
    # What the page does not have is missing (缺少), never a cell, never 0; nothing found is left unrecognised.
    assert report.missing == [t.key for t in targets("2021") if t.key not in want]
    assert report.unrecognised == []
    blanks = [c for c in report.cells if c.value is None]
    assert all(want[(c.table, c.row, c.column)] is None for c in blanks)


def test_numbers_and_blanks_as_portals_write_them():
    report = read_report(HANDMADE / "municipal-merged-2021.html")
    text = {(c.row, c.column): (c.text, c.value) for c in report.cells}
    assert text[("规章", "本年制发件数")] == ("0件", 0)
    assert text[("行政规范性文件", "本年制发件数")] == ("３", 3)
    assert text[("行政规范性文件", "现行有效件数")] == ("1,234", 1234)
    assert text[("行政许可", "本年处理决定数量")] == ("——", None)
    assert text[("行政处罚", "本年处理决定数量")] == ("/", None)       # "/ " with a space
    assert text[("行政强制", "本年处理决定数量")] == ("无", None)       # 无 in a count column: not 0
    assert text[("一、本年新收政府信息公开申请数量", "科研机构")] == ("", None)
    assert text[("一、本年新收政府信息公开申请数量", "社会公益组织")] == ("无", None)
    # 52,000 under "（金额单位：元）" is 5.2 万元 in our figures.csv.
    assert text[("行政事业性收费", "本年收费金额（单位：万元）")] == ("52,000", 5.2)
    assert report.problems == []


def test_joined_label_cells_and_group_notes_in_headers():
    report = read_report(HANDMADE / "municipal-merged-2021.html")
    total = report.cell(T3, "总计", "自然人")
    assert total is not None and total.where == "第2个表格第28行第3列"  # "三、本年度办理结果 （七）总计"
    assert report.value(T3, "不予公开/属于国家秘密", "自然人") == 5
    assert report.value(T4, "行政诉讼/复议后起诉", "结果维持") == 1      # under "行政诉讼（复议后起诉）"
    assert report.value(T4, "行政诉讼/未经复议直接起诉", "结果纠正") == 1


def test_word_and_wps_exports():
    word = read_report(HANDMADE / "word-export-2022.html")
    assert word.published == "2023-01-18" and word.agency == "示例区市场监督管理局"
    assert word.value(T2, "行政许可", "本年处理决定数量") == 1034   # 1 , 0 3 4 each in its own <span>
    assert word.cell(T2, "行政规范性文件", "本年废止件数").value is None  # <o:p>&nbsp;</o:p>
    assert word.cell(T3, "不予处理/要求提供公开出版物", "总计").value is None
    assert list(word.sections)[-1] == "六、其他需要报告的事项" and word.problems == []
    wps = read_report(HANDMADE / "wps-export-2023.html")
    assert wps.cell(T2, "行政事业性收费", "本年收费金额（单位：万元）").text == "0.00"
    assert wps.value(T2, "行政事业性收费", "本年收费金额（单位：万元）") == 0
    assert wps.value(T2, "行政许可", "本年处理决定数量") == 21          # ２１
    assert wps.value(T2, "行政规范性文件", "现行有效件数") == 48        # 48件
    assert wps.value(T4, "行政复议", "结果维持") == 1 and wps.problems == []


def test_a_page_cut_by_the_cms_reads_what_is_there_and_says_the_rest_is_missing():
    first = read_report(HANDMADE / "paged-first-2021.html")
    assert len(first.cells) == 38 and len(first.missing) == 162
    assert first.problems == [MORE_PAGES]
    assert first.cell(T3, "总计", "总计") is None and first.value(T4, "行政复议", "总计") is None
    # The parts on the other page are not judged absent: the rules that need them cannot tell.
    states = {f.rule: f.state for f in audit(first) if f.rule in ("C2", "C4")}
    assert states == {"C2": UNKNOWN, "C4": UNKNOWN}
    assert "网页分页显示" in next(f.detail for f in audit(first) if f.rule == "C2")
    both = read_report(HANDMADE / "paged-divs-2021.html")
    assert len(both.cells) == 200 and both.problems == []  # both <div>s present: nothing to say
    # The info table over the article (索引号, 成文日期, 发布日期…, each label in its own cell) is not the report's,
    # but its 发布日期 is the page's date, not its 成文日期.
    assert both.published == "2022-01-27" and "索引号" not in both.text


def test_a_link_to_the_next_article_is_not_a_next_page(tmp_path):
    html = (HANDMADE / "paged-first-2021.html").read_text(encoding="utf-8")
    start, end = html.index('<div class="page"'), html.index('<div class="related">')
    path = tmp_path / "p.html"
    path.write_text(html[:start] + html[end:], encoding="utf-8")
    report = read_report(path)
    assert "下一篇" in path.read_text(encoding="utf-8")
    assert len(report.missing) == 162 and report.problems == []


def _edited(tmp_path: Path, page: str, old: str, new: str) -> Path:
    """A copy of a handmade page with one change."""
    html = (HANDMADE / page).read_text(encoding="utf-8")
    assert old in html
    path = tmp_path / "p.html"
    path.write_text(html.replace(old, new, 1), encoding="utf-8")
    return path


def _municipal_with(tmp_path: Path, old: str, new: str) -> Path:
    return _edited(tmp_path, "municipal-merged-2021.html", old, new)


@pytest.mark.parametrize("label", ["三、本年度办理结果 （八）其他", "三、本年度办理结果 （八）其他情形", "（八）撤回申请"])
def test_an_unknown_joined_label_is_reported_not_guessed(tmp_path, label):
    row = "<tr><td colspan=\"2\">" + label + "</td>" + "<td>9</td>" * 7 + "</tr>"
    path = _municipal_with(tmp_path, "<tr><td colspan=\"2\">四、结转下年度继续办理", row + "<tr><td colspan=\"2\">四、结转下年度继续办理")
    report = read_report(path)
    assert {(c.table, c.row, c.column): c.value for c in report.cells} == expected(HANDMADE / "municipal-merged-2021.html")
    assert [u.text for u in report.unrecognised] == [" | ".join([label.replace(" ", "").replace("（", "(").replace("）", ")"), *["9"] * 7])]


def test_a_money_unit_over_a_table_does_not_make_its_counts_money(tmp_path):
    path = _municipal_with(tmp_path, "（金额单位：元）", "（单位：元）")
    report = read_report(path)
    assert report.value(T2, "行政规范性文件", "现行有效件数") == 1234
    assert report.value(T2, "行政事业性收费", "本年收费金额（单位：万元）") == 5.2
    assert report.unrecognised == []


def test_a_unit_caption_row_inside_the_table(tmp_path):
    caption = '<tr><td colspan="4">单位：元</td></tr>'
    path = _municipal_with(tmp_path, '（金额单位：元）</p><table border="1">', '</p><table border="1">' + caption)
    assert read_report(path).value(T2, "行政事业性收费", "本年收费金额（单位：万元）") == 5.2
    path = _municipal_with(tmp_path, '（金额单位：元）</p><table border="1">', '</p><table border="1">')
    assert read_report(path).value(T2, "行政事业性收费", "本年收费金额（单位：万元）") == 52000  # no unit stated: as written


@pytest.mark.parametrize(("text", "unit"), [("单位：件", "件"), ("（金额单位：元）", "元"), ("单位:万元", "万元"),
                                            ("(单位：万元)", "万元"), ("注：金额单位为元。", "元"), ("本表金额单位：万元", "万元"), ("第二十条第（八）项（单位：元）", "元"),
    ("单位：件。本表数据截至12月31日", None), ("单位", None), ("本机关" + "依法公开" * 10 + "（单位：元）", None)])
def test_table_unit(text, unit):
    assert table_unit(text) == unit


def test_label_parts_and_notes():
    assert label_parts("三、本年度办理结果 （七）总计") == ("本年度办理结果", "总计")
    assert label_parts("三、（一）予以公开") == ()  # numbering only in front: one label
    assert label_parts("第二十条第（一）项") == ("第二十条第", "项")
    assert label_parts("2.其他法律行政法规禁止公开") == ()
    assert label_notes("行政诉讼（复议后起诉）") == ("复议后起诉",)
    assert label_notes("本年收费金额（单位：万元）") == ("单位:万元",)


def test_group_and_item_joined_in_one_cell(tmp_path):
    """"三、本年度办理结果 （三）不予公开 2.其他法律行政法规禁止公开" in one cell, in every row of the group."""
    html = (HANDMADE / "municipal-merged-2021.html").read_text(encoding="utf-8")
    joined = '<td colspan="2">三、本年度办理结果 （三）不予公开 '
    html = html.replace('<td rowspan="8">三、本年度办理结果 （三）不予公开</td><td>', joined, 1)
    for k in "2345678":
        html = re.sub(rf"<td>({k}\.属于|{k}\.其他法律|{k}\.危及|{k}\.保护)", joined + r"\1", html, count=1)
    assert html.count(joined) == 8
    path = tmp_path / "p.html"
    path.write_text(html, encoding="utf-8")
    report = read_report(path)
    assert {(c.table, c.row, c.column): c.value for c in report.cells} == expected(HANDMADE / "municipal-merged-2021.html")
    assert report.unrecognised == [] and report.missing == []


def test_litigation_columns_without_their_kind_are_reported_not_guessed(tmp_path):
    """Table 四 on two header rows that never say which 行政诉讼 is which: its numbers are not assigned by order."""
    path = _municipal_with(tmp_path, '<td colspan="5">行政诉讼（未经复议直接起诉）</td><td colspan="5">行政诉讼（复议后起诉）</td>',
                           '<td colspan="10">行政诉讼</td>')
    report = read_report(path)
    assert report.value(T4, "行政复议", "总计") == 2
    assert [k for k in report.missing if k[0] == T4] == [t.key for t in targets("2021") if t.row.startswith("行政诉讼")]
    assert [u.where for u in report.unrecognised] == ["第3个表格第3行"]


def test_a_unit_stated_in_a_note_under_the_heading(tmp_path):
    path = _municipal_with(tmp_path, "（金额单位：元）", "注：金额单位为元。")
    assert read_report(path).value(T2, "行政事业性收费", "本年收费金额（单位：万元）") == 5.2


def test_the_last_page_of_a_cut_article_says_so_too(tmp_path):
    """Read alone, page 2 of 2 (its pager has 上一页 and no 下一页) lacks the first part: the same note."""
    path = _edited(tmp_path, "paged-first-2021.html", '<a href="t20220128_1234_1.html">下一页</a>', '<a href="t20220128_1234.html">上一页</a>')
    report = read_report(path)
    assert "下一页" not in path.read_text(encoding="utf-8").split('<div class="related">')[0]
    assert report.problems == [MORE_PAGES] and len(report.missing) == 162


def test_the_same_variants_in_a_word_document(tmp_path):
    """A .docx attachment: a caption row and 第二十条 title rows merged across the table, the money unit in the
    paragraph above (a "单位：件" caption does not undo it), table 四's groups written 行政诉讼（…）."""
    document = docx.Document()
    for text in ("示例县民政局2022年政府信息公开工作年度报告", "二、主动公开政府信息情况", "（金额单位：元）"):
        document.add_paragraph(text)
    table = document.add_table(rows=7, cols=4)
    for r, texts in enumerate([("单位：件",), ("第二十条第（一）项",), ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
                               ("规章", "0件", "——", "1,234"), ("第二十条第（八）项",), ("信息内容", "本年收费金额"),
                               ("行政事业性收费", "15000")]):
        cells = table.rows[r].cells
        if len(texts) < 4:  # the last text spans the rest of the row
            cells[len(texts) - 1].merge(cells[3])
        for c, text in enumerate(texts):
            cells[c].text = text
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    table = document.add_table(rows=3, cols=15)
    head = table.rows[0].cells
    head[0].merge(head[4]).text = "行政复议"
    head[5].merge(head[9]).text = "行政诉讼（未经复议直接起诉）"
    head[10].merge(head[14]).text = "行政诉讼（复议后起诉）"
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for c in range(15):
        table.rows[1].cells[c].text = results[c % 5]
        table.rows[2].cells[c].text = str(c)
    path = tmp_path / "p.docx"
    document.save(path)
    report = read_report(path)
    cells = {(c.table, c.row, c.column): c.value for c in report.cells}
    want = {(T2, "规章", "本年制发件数"): 0, (T2, "规章", "本年废止件数"): None, (T2, "规章", "现行有效件数"): 1234,
            (T2, "行政事业性收费", "本年收费金额（单位：万元）"): 1.5}
    for n, row in enumerate(["行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"]):
        want.update({(T4, row, column): 5 * n + c for c, column in enumerate(results)})
    assert cells == want
    assert report.unrecognised == [] and report.problems == []
