"""report.docx: read back with python-docx, its tables equal figures.csv and the HTML's merged cells; the
公文 page setup and fonts of GB/T 9704; the same bytes for the same report; ledger text kept as text."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import docx
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from ogi_report.build import DEFAULT_NOTEBOOK, build
from ogi_report.report import load_report
from ogi_report.word import report_docx

from .conftest import ROOT

CASES = [("example", y) for y in range(2019, 2026)] + [("naizishan", 2017)]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """(report, its .docx read back, figures.csv) per case, made in this process."""
    cache = {}

    def get(slug: str, year: int):
        if (slug, year) not in cache:
            report = load_report(ROOT / "data" / slug, year)
            folder = tmp_path_factory.mktemp(f"{slug}{year}")
            figures = pd.read_csv(report.save_figures(folder), dtype=str, encoding="utf-8-sig")
            cache[slug, year] = report, docx.Document(io.BytesIO(report_docx(report))), figures
        return cache[slug, year]

    return get


def cells(grid) -> list[list[tuple[str, int, int]]]:
    """Each row's cells as placed (text, rowspan, colspan): a cell continuing a vertical merge is not
    one, and adds a row to the cell it continues."""
    rows: list[list[list]] = []
    open_cells: dict[int, list] = {}  # grid column → the cell a vertical merge started there
    for tr in grid._tbl.tr_lst:
        row, column = [], 0
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                open_cells[column][1] += 1
            else:
                text = "\n".join(Paragraph(p, None).text for p in tc.p_lst)
                entry = [text, 1, tc.grid_span]
                open_cells[column] = entry
                row.append(entry)
            column += tc.grid_span
        rows.append(row)
    return [[tuple(entry) for entry in row] for row in rows]


def html_cells(table) -> list[list[tuple[str, int, int]]]:
    soup = BeautifulSoup(table.html(), "html.parser")
    return [[(c.get_text(), int(c.get("rowspan", 1)), int(c.get("colspan", 1))) for c in tr.find_all(["th", "td"])]
            for tr in soup.find_all("tr")]


def caption(grid) -> str:
    return grid._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val"))


@pytest.mark.parametrize(("slug", "year"), CASES, ids=[f"{s}-{y}" for s, y in CASES])
def test_every_table_has_the_html_cells_and_merges_and_its_figures_equal_figures_csv(made, slug, year):
    report, document, figures = made(slug, year)
    tables = [*report.tables(), *report.appendix_tables()]
    assert [caption(g) for g in document.tables] == [t.title for t in tables]
    for grid, table in zip(document.tables, tables, strict=True):
        assert cells(grid) == html_cells(table), table.title
    # figures.csv lists a table's figures row by row, left to right: as they are read in the Word table.
    for title, expected in figures.groupby("table", sort=False)["value"]:
        [grid] = [g for g in document.tables if caption(g) == title]
        numbers = [text for row in cells(grid) for text, _, _ in row if text.replace(".", "", 1).isdigit()]
        assert numbers == list(expected), title
    assert len(figures) > 0


def test_table_three_header_rows_repeat_and_the_vertical_label_reads_top_to_bottom(made):
    report, document, _ = made("example", 2021)
    grid = document.tables[[t.title for t in report.tables()].index("三、收到和处理政府信息公开申请情况")]
    repeated = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in grid._tbl.tr_lst]
    head = len(report.section_tables["三、收到和处理政府信息公开申请情况"].head)
    assert repeated == [True] * head + [False] * (len(repeated) - head)
    directions = [d.get(qn("w:val")) for d in grid._tbl.iter(qn("w:textDirection"))]
    assert directions == ["tbRlV"]
    sizes = {r.style.font.size for row in grid.rows for c in row.cells for r in c.paragraphs}
    assert sizes == {Pt(9)}  # 小五: ten columns on a 156 mm line


def test_page_setup_is_gbt_9704(made):
    _, document, _ = made("naizishan", 2017)
    section = document.sections[0]
    # In twentieths of a point, as Word stores them: A4 is 11906 × 16838.
    assert [round(x.mm, 1) for x in (section.page_width, section.page_height)] == [210, 297]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(x.mm, 1) for x in margins] == [37, 35, 28, 26]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        [paragraph] = footer.paragraphs
        assert paragraph.text == "— 1 —" and paragraph.alignment.name.lower() == align
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert {r.font.size for r in paragraph.runs} == {Pt(14)}  # 四号


def _fonts(style) -> dict[str, str]:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in fonts.attrib.items()}


@pytest.mark.parametrize(("style", "font", "size"), [
    ("Title", "方正小标宋简体", 22), ("Normal", "仿宋_GB2312", 16), ("Heading 1", "黑体", 16),
    ("Heading 2", "楷体_GB2312", 16)])
def test_styles_name_their_font_for_chinese_and_latin_text(made, style, font, size):
    _, document, _ = made("example", 2021)
    found = document.styles[style]
    assert _fonts(found) == {"ascii": font, "hAnsi": font, "eastAsia": font, "cs": font, "hint": "eastAsia"}
    assert found.font.size == Pt(size)


def test_body_text_has_fixed_28_point_lines_and_a_two_character_indent(made):
    report, document, _ = made("example", 2021)
    body = document.styles["Normal"].paragraph_format
    assert body.line_spacing == Pt(28) and body.line_spacing_rule.name == "EXACTLY"
    assert body.first_line_indent == Pt(32)
    assert document.styles["Normal"].element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    paragraphs = document.paragraphs
    assert (paragraphs[0].text, paragraphs[0].style.name) == (report.title, "Title")
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings[:len(report.format.sections)] == [s.heading for s in report.format.sections]
    # "（一）主动公开。" opens its paragraph as a 二级标题 in 楷体_GB2312
    [first] = [p for p in paragraphs if p.text.startswith("（一）主动公开。")]
    assert first.runs[0].text == "（一）主动公开。"
    assert first.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"


def test_fonts_fall_back_to_common_faces_and_east_asian_text_is_chinese(made):
    _, document, _ = made("example", 2021)
    package = document.part.package
    [font_table] = [p for p in package.parts if p.partname == "/word/fontTable.xml"]
    soup = BeautifulSoup(font_table.blob, "xml")
    alternatives = {f["w:name"]: f.find("altName")["w:val"] for f in soup.find_all("font") if f.find("altName")}
    assert alternatives["仿宋_GB2312"] == "仿宋" and alternatives["楷体_GB2312"] == "楷体"
    assert alternatives["方正小标宋简体"] == "宋体"
    lang = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


def test_charts_are_pictures_with_alternative_text(made):
    report, document, _ = made("example", 2021)
    described = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    assert described == [c.title for c in report.charts()]


def test_the_same_report_gives_the_same_bytes_with_fixed_dates(made):
    report, _, _ = made("naizishan", 2017)
    first, second = report_docx(report), report_docx(report)
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    names = archive.namelist()
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = docx.Document(io.BytesIO(first)).core_properties
    assert core.created == core.modified and core.created.date() == report.data.year_facts.published
    assert "docProps/thumbnail.jpeg" not in names


HOSTILE_TITLE = "<w:p>关于&印发\x01办法\x0b的通知]]></w:t>"


def test_ledger_text_that_xml_cannot_hold_is_kept_as_text(agency):
    documents = f'文号,标题,类型,印发日期,废止日期\n示发〔2021〕1号,"{HOSTILE_TITLE}",行政规范性文件,2021-03-01,\n'
    folder = agency({"documents": documents}, {2021: "发布日期: 2022-01-20\n附录: [本年制发规范性文件目录]\n"},
                    {2021: {"总体情况": "概况<w:br/>\x07 & **重点**。"}})
    (folder / "agency.yaml").write_text("名称: <b>测试</b>&街道办事处\n简称: 测试街\n", encoding="utf-8")
    report = load_report(folder, 2021)
    document = docx.Document(io.BytesIO(report_docx(report)))
    texts = [c[0] for row in cells(document.tables[-1]) for c in row]
    assert "<w:p>关于&印发\ufffd办法\ufffd的通知]]></w:t>" in texts
    assert any(p.text == "概况<w:br/>\ufffd & 重点。" for p in document.paragraphs)
    assert document.core_properties.author == "<b>测试</b>&街道办事处"


@pytest.mark.slow
def test_the_build_writes_the_same_docx_twice(tmp_path):
    first = build(ROOT / "data" / "naizishan", 2017, tmp_path / "a", DEFAULT_NOTEBOOK, editions=["docx"]).output
    second = build(ROOT / "data" / "naizishan", 2017, tmp_path / "b", DEFAULT_NOTEBOOK, editions=["docx"]).output
    assert (first / "report.docx").read_bytes() == (second / "report.docx").read_bytes()
    assert (first / "report.docx").read_bytes() == report_docx(load_report(ROOT / "data" / "naizishan", 2017))


@pytest.mark.needs_libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装")
def test_libreoffice_renders_a4_pages_with_the_page_numbers(made, tmp_path):
    report, _, _ = made("example", 2021)
    (tmp_path / "report.docx").write_bytes(report_docx(report))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "report.docx")], check=True, capture_output=True,
                   timeout=300)
    pdf = PdfReader(tmp_path / "report.pdf")
    assert len(pdf.pages) >= 4
    for page in pdf.pages:
        assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (
            210, 297)
    first, second = pdf.pages[0].extract_text(), pdf.pages[1].extract_text()
    assert report.title in "".join(first.split())
    assert "— 1 —" in first and "— 2 —" in second
    if shutil.which("pdftoppm"):  # the page, to look at: tmp_path/page-1.png
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(tmp_path / "report.pdf"),
                        str(tmp_path / "page")], check=True)
