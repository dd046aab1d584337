"""The audit readers: published pages (our corpus of portal styles) → exactly the cells of our figures.csv.

The corpus (tests/audit_fixtures/corpus/) is made by scripts/make_audit_corpus.py from our example
reports; each page's `.expected.csv` is the figures.csv of that report with an empty value where the page
left the cell not filled.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ogi_report.audit.labels import convert, is_not_filled, normalise, parse_number, unit_of_label
from ogi_report.audit.layout import targets
from ogi_report.audit.readers import read_report
from ogi_report.formats import get_format

CORPUS = Path(__file__).parent / "audit_fixtures" / "corpus"
PAGES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".html", ".docx", ".pdf"))


def expected(page: Path) -> dict[tuple[str, str, str], float | None]:
    with page.with_name(f"{page.stem}.expected.csv").open(encoding="utf-8", newline="") as f:
        return {(r["table"], r["row"], r["column"]): float(r["value"]) if r["value"] else None
                for r in csv.DictReader(f)}


def test_the_corpus_has_every_style():
    names = {p.stem for p in PAGES}
    assert {"trs-gbk-2021", "zoom-blanks-2024", "article-labels-2019", "trs-merged-2021", "zoom-split-2023",
            "article-customary-2017", "word-blanks-2024", "word-customary-2017", "pdf-labels-2019"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_a_corpus_page_gives_exactly_its_cells(page):
    report = read_report(page)
    cells = {(c.table, c.row, c.column): c.value for c in report.cells}
    assert cells == expected(page)
    assert report.missing == []
    assert report.unrecognised == []
    assert report.problems == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_a_corpus_page_gives_title_year_date_and_all_parts(page):
    report = read_report(page)
    year = int(page.stem[-4:])
    assert report.year == year
    assert report.title.endswith(f"{year}年政府信息公开工作年度报告")
    assert report.agency in ("示例街道", "奶子山街")
    assert report.published is not None and report.published.startswith(str(year + 1))
    fmt = get_format({"customary": "2008"}.get(report.format_id, report.format_id))
    assert list(report.sections) == [s.heading for s in fmt.sections]
    # Navigation, scripts, "related articles" and footers around the report are not its text.
    for outside in ("首页", "相关阅读", "网站标识码", "document.write", "浏览次数", "关于公布2023年度"):
        assert outside not in report.text



def test_a_charts_data_table_is_neither_an_official_table_nor_prose(tmp_path):
    """report.html puts the numbers behind each chart in a table inside its <figure>, for screen readers."""
    page = CORPUS / "trs-gbk-2021.html"
    chart = ('<figure class="ogi-chart"><img alt="按月收到的申请" src="data:image/png;base64,AA=="><table '
             'class="ogi-chart-data"><caption>按月收到的申请（单位：件）</caption><tr><th>月份</th><th>数量</th></tr>'
             '<tr><th scope="row">1月</th><td>4</td></tr><tr><th scope="row">2月</th><td>3</td></tr></table></figure>')
    html = page.read_bytes().decode("gb18030").replace("</table>", "</table>" + chart, 1)
    copy = tmp_path / page.name
    copy.write_bytes(html.encode("gb18030"))
    report = read_report(copy)
    assert {(c.table, c.row, c.column): c.value for c in report.cells} == expected(page)
    assert report.unrecognised == [] and "按月收到的申请" not in report.text

def test_format_recognised_from_the_labels():
    assert read_report(CORPUS / "article-labels-2019.html").format_id == "2019"
    assert read_report(CORPUS / "zoom-split-2023.html").format_id == "2021"
    assert read_report(CORPUS / "article-customary-2017.html").format_id == "customary"


def test_a_blank_cell_is_not_filled_and_keeps_how_it_was_written():
    report = read_report(CORPUS / "zoom-blanks-2024.html")
    blanks = [c for c in report.cells if c.value is None]
    assert {c.text for c in blanks} == {"", "/", "—", "无", "-", "不适用", "／"}
    assert all(c.where.startswith("第") for c in blanks)


def test_sums_in_yuan_are_read_in_wan_yuan():
    report = read_report(CORPUS / "article-labels-2019.html")
    cell = report.cell("二、主动公开政府信息情况", "政府集中采购", "采购总金额")
    assert cell.text == "491,000元"
    assert cell.value == 49.1  # example data 2019: 政府集中采购 49.1 万元


def test_prose_sections_hold_their_text():
    report = read_report(CORPUS / "trs-gbk-2021.html")
    assert report.sections["一、总体情况"].startswith("2021年，示例街道办事处（虚构）")
    assert "本年新收政府信息公开申请59件" in report.sections["一、总体情况"]
    assert report.headings[0] == "一、总体情况"


@pytest.mark.parametrize(("label", "name"), [
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开"),
    ("(二)部分公开", "部分公开"),
    ("2、部分公开", "部分公开"),
    ("三、(一)予以公开", "予以公开"),
    ("3.危及“三安全一稳定”", "危及三安全一稳定"),
    ("其中：主动公开规范性文件数", "主动公开规范性文件数"),
    ("行政\n规范性 文件", "行政规范性文件"),
    ("本年收费金额（单位：万元）", "本年收费金额"),
    ("第二十条第（一）项", "第二十条第(一)项"),
    ("１．属于国家秘密", "属于国家秘密"),
    ("其它", "其他"),
    ("（七）合计", "总计"),
])
def test_labels_are_normalised(label, name):
    assert normalise(label) == name


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("251000元", 251000, "元"), ("12.5万元", 12.5, "万元"), ("1,234", 1234, None), ("１２３", 123, None),
    ("-3", -3, None), ("3件", 3, "件"), (" 7 ", 7, None), ("0", 0, None),
])
def test_numbers_are_parsed_with_their_units(text, value, unit):
    number = parse_number(text)
    assert number is not None and float(number.value) == value and number.unit == unit


@pytest.mark.parametrize("text", ["", " ", "/", "／", "-", "—", "——", "无", "不适用", "\u00a0"])
def test_not_filled(text):
    assert is_not_filled(text)
    assert parse_number(text) is None


def test_units_convert_to_the_unit_of_figures_csv():
    assert convert(parse_number("251000元"), "万元") == 25.1
    assert convert(parse_number("12.5万元"), "万元") == 12.5
    assert convert(parse_number("3"), "万元", declared="元") == 0.0003
    assert convert(parse_number("3元"), "件") is None  # money where a count is expected
    assert unit_of_label("本年收费金额（单位：元）") == "元"
    assert unit_of_label("依申请公开信息收取的费用(万元)") == "万元"


def test_targets_are_exactly_the_cells_of_our_figures_csv_layout():
    assert len(targets("2021")) == 200 and len(targets("2019")) == 198 and len(targets("customary")) == 44
    assert ("三、收到和处理政府信息公开申请情况", "不予公开/属于国家秘密", "自然人") in {t.key for t in targets("2021")}


@pytest.mark.parametrize(("title", "agency", "year"), [
    ("示例县农业农村局2022年政府信息公开工作年度报告", "示例县农业农村局", 2022),
    ("示例市人民政府办公室关于2023年度政府信息公开工作年度报告", "示例市人民政府办公室", 2023),
    ("2023年示例镇人民政府政府信息公开工作年度报告", "示例镇人民政府", 2023),
    ("示例局 2021 年政务公开工作年度报告", "示例局", 2021),
])
def test_agency_and_year_from_the_title(title, agency, year):
    from ogi_report.audit.interpret import _agency, _year

    assert (_agency(title), _year(title, "")) == (agency, year)
