"""report.docx: the report as a Word file in the style of GB/T 9704-2012 《党政机关公文格式》, for the
offices that circulate drafts in Word or WPS.

A4, margins 37/35/28/26 mm; title 方正小标宋简体 二号 centred; body 仿宋_GB2312 三号, fixed 28 pt lines,
first lines indented two characters; 一级标题 黑体, 二级标题 楷体_GB2312; page numbers "— 1 —" in 四号
宋体, right on odd pages and left on even ones. The tables are the very `Table` objects the HTML renders
(tables.py), merged cells included; their header rows repeat on every page. Every font is named for
East Asian and Latin text alike, and the font table gives each one the common face Word and WPS fall
back to when it is missing (仿宋_GB2312 → 仿宋 …). Same report, same bytes: the zip is rewritten with
fixed times and sorted entries, and the document's dates are the report's 发布日期.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from markdown_it import MarkdownIt

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.styles.style import ParagraphStyle
    from docx.text.paragraph import Paragraph

    from .charts import Chart
    from .report import Report
    from .tables import Cell, Table

# GB/T 9704-2012: the fonts, and the face each falls back to where it is not installed (the font table's
# altName, which Word and WPS consult; LibreOffice asks fontconfig, which picks a CJK serif or sans).
TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT, PAGE_NUMBER_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体")
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING2_FONT: "楷体", HEADING1_FONT: "SimHei",
             PAGE_NUMBER_FONT: "SimSun"}
_SERIF = {TITLE_FONT, BODY_FONT, HEADING2_FONT, PAGE_NUMBER_FONT}  # font table family: roman, else modern

TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE = Pt(22), Pt(16), Pt(14)  # 二号, 三号, 四号
TABLE_SIZE, WIDE_TABLE_SIZE = Pt(10.5), Pt(9)  # 五号; 小五 for tables of more than six columns
LINE = Pt(28)
TEXT_WIDTH = Mm(210 - 28 - 26)  # 156 mm, the 版心 of GB/T 9704

# Relative widths of a table's columns by their role (Table.columns, the HTML's <col> classes), as the
# HTML's stylesheet sets them for some tables (report.css).
_COLUMN_WEIGHTS = {"vertical": 6, "group": 9, "item": 29, "label": 30, "unit": 10, "number": 10}
_TABLE_WEIGHTS = {"ogi-indicators": {"label": 70, "unit": 10, "number": 20}, "ogi-documents": {"label": 22, "item": 34}}
_SMALL_TABLES = {"ogi-documents"}  # 小五 however few columns, as in the HTML

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": False})
# A paragraph that opens with its own 二级标题, as 公文 prose does: "（一）主动公开。本年度……"
_RUN_IN_HEADING = re.compile(r"^（[一二三四五六七八九十]+）[^。！？\n]{1,30}[。！？]")
# Characters XML 1.0 cannot hold (C0 controls but tab and newlines, U+FFFE/U+FFFF, lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """Ledger text as a Word document can hold it: a character XML cannot carry shows as U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def report_docx(report: Report) -> bytes:
    """The finished report as the bytes of a .docx file."""
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _header(doc, report)
    for section in report.format.sections:
        _heading(doc, section.heading, 1)
        _prose(doc, report.prose_markdown(section.narrative))
        table = report.section_tables[section.heading]
        if table is not None:
            _table(doc, table)
    for table in report.appendix_tables():
        _heading(doc, table.title, 1).paragraph_format.page_break_before = True
        _table(doc, table)
    charts = report.charts()
    if charts:
        _heading(doc, "附：图解", 1).paragraph_format.page_break_before = True
        for index, chart in enumerate(charts, start=1):
            _chart(doc, chart, index)
    _properties(doc, report)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue())


def _page_setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The page number's dash sits 7 mm below the 版心; the footer's bottom edge about 5 mm lower.
    section.footer_distance = Mm(35 - 7 - 6)
    section.header_distance = Mm(15)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:  # the template's grid of 18 pt lines would fight the fixed 28 pt spacing
        section._sectPr.remove(grid)


def _page_number(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """"— 7 —", one character in from the outer edge (GB/T 9704 7.5)."""
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.left_indent = PAGE_NUMBER_SIZE
    runs = [paragraph.add_run("— "), paragraph.add_run(), paragraph.add_run(), paragraph.add_run(),
            paragraph.add_run("1"), paragraph.add_run(), paragraph.add_run(" —")]
    for run, (kind, value) in zip(runs[1:6], [("fldChar", "begin"), ("instrText", " PAGE "),
                                              ("fldChar", "separate"), (None, None), ("fldChar", "end")],
                                  strict=True):
        if kind == "fldChar":
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), value)
            run._r.append(element)
        elif kind == "instrText":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = value
            run._r.append(element)
    for run in runs:
        run.font.size = PAGE_NUMBER_SIZE
        _fonts(run._r.get_or_add_rPr(), PAGE_NUMBER_FONT)


def _fonts(rpr, name: str) -> None:
    """Name `name` for every script: theme fonts (which win over names) are dropped."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(style: ParagraphStyle, font: str, size, *, bold: bool = False, indent: bool = True,
           align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY, exact: bool = True) -> None:
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = None
    _fonts(style.element.get_or_add_rPr(), font)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.first_line_indent = size * 2 if indent else Pt(0)
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    if indent:  # in characters, so that Word and WPS keep two characters whatever the size
        ind.set(qn("w:firstLineChars"), "200")


def _styles(doc: DocumentObject) -> None:
    styles = doc.styles
    # docDefaults: East Asian text is Chinese (the template says Japanese, which picks JP glyphs).
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    _style(styles["Normal"], BODY_FONT, BODY_SIZE)
    _style(styles["Title"], TITLE_FONT, TITLE_SIZE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    title = styles["Title"].element.get_or_add_pPr()
    for border in title.findall(qn("w:pBdr")):  # the template underlines its title
        title.remove(border)
    styles["Title"].paragraph_format.line_spacing = Pt(36)  # 二号 does not fit a 28 pt line
    _style(styles["Heading 1"], HEADING1_FONT, BODY_SIZE)
    _style(styles["Heading 2"], HEADING2_FONT, BODY_SIZE)
    for name in ("Heading 1", "Heading 2"):
        styles[name].paragraph_format.keep_with_next = True
    date = styles.add_style("Report Date", 1)
    date.base_style = styles["Normal"]
    _style(date, HEADING2_FONT, BODY_SIZE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    for name, size in (("Table Text", TABLE_SIZE), ("Wide Table Text", WIDE_TABLE_SIZE)):
        table_text = styles.add_style(name, 1)
        table_text.base_style = styles["Normal"]
        _style(table_text, BODY_FONT, size, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    chart = styles.add_style("Chart", 1)
    chart.base_style = styles["Normal"]
    # Single spacing: a fixed 28 pt line would clip the picture to its height.
    _style(chart, BODY_FONT, BODY_SIZE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    chart.paragraph_format.space_after = Pt(12)
    _font_table(doc)


def _font_table(doc: DocumentObject) -> None:
    """word/fontTable.xml naming the report's fonts as GB2312 (charset 86) faces, each with the face to
    use when it is missing."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"roman" if name in _SERIF else "modern"}"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in FALLBACKS.items())
    part._blob = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{w}">{fonts}'
                  '<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/>'
                  '<w:pitch w:val="variable"/></w:font></w:fonts>').encode()


def _header(doc: DocumentObject, report: Report) -> None:
    doc.add_paragraph(xml_text(report.title), style="Title")
    doc.add_paragraph(xml_text(report.date_line), style="Report Date")
    doc.add_paragraph()  # GB/T 9704: one empty line between the title block and the text
    preamble = report.preamble_text()
    if preamble:
        doc.add_paragraph(xml_text(preamble))


def _heading(doc: DocumentObject, text: str, level: int) -> Paragraph:
    return doc.add_paragraph(xml_text(text), style=f"Heading {level}")


def _prose(doc: DocumentObject, markdown: str) -> None:
    """The analyst's Markdown as paragraphs: headings become 二级标题, list items keep their marker,
    bold and italic stay; links show their text. Raw HTML was never allowed: it shows as text."""
    ordinal: list[int | None] = []  # the list being written: its next number, or None when bulleted
    marker = ""
    for token in _MARKDOWN.parse(markdown):
        if token.type == "ordered_list_open":
            ordinal.append(int(token.attrGet("start") or 1))
        elif token.type == "bullet_list_open":
            ordinal.append(None)
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            ordinal.pop()
        elif token.type == "list_item_open":
            if ordinal and ordinal[-1] is not None:
                marker = f"{ordinal[-1]}．"
                ordinal[-1] += 1
            else:
                marker = "· "
        elif token.type == "heading_open":
            paragraph = doc.add_paragraph(style="Heading 2")
        elif token.type == "paragraph_open":
            paragraph = doc.add_paragraph()
            if marker:
                paragraph.add_run(marker)
                marker = ""
        elif token.type in ("code_block", "fence"):
            doc.add_paragraph(xml_text(token.content.rstrip("\n")))
        elif token.type == "inline":
            _inline(paragraph, token.children or [])


def _inline(paragraph: Paragraph, children) -> None:
    bold = italic = False
    first = True
    for child in children:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("softbreak", "hardbreak"):
            if child.type == "hardbreak":
                paragraph.add_run().add_break()
        elif child.type in ("text", "code_inline"):
            text = xml_text(child.content)
            heading = _RUN_IN_HEADING.match(text) if first and paragraph.style.name == "Normal" else None
            if heading:  # "（一）主动公开。" in 楷体_GB2312, the rest in the body face
                run = paragraph.add_run(heading.group())
                _fonts(run._r.get_or_add_rPr(), HEADING2_FONT)
                text = text[heading.end():]
            run = paragraph.add_run(text)
            run.bold, run.italic = bold or None, italic or None
        first = False


def _placed(table: Table) -> tuple[list[tuple[int, int, Cell]], int, int]:
    """Each cell with its top-left grid position, as an HTML table lays out rowspans and colspans."""
    taken: set[tuple[int, int]] = set()
    placed = []
    rows = [*table.head, *table.body]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
    width = 1 + max(c for _, c in taken)
    return placed, len(rows), width


def _table(doc: DocumentObject, table: Table) -> None:
    placed, height, width = _placed(table)
    grid = doc.add_table(rows=height, cols=width)
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _caption(grid, table.title)
    roles = _COLUMN_WEIGHTS | _TABLE_WEIGHTS.get(table.css, {})
    weights = [roles.get(c, 10) for c in table.columns]
    if len(weights) != width:
        weights = [1] * width
    widths = [int(TEXT_WIDTH * w / sum(weights)) for w in weights]
    for index, column in enumerate(grid.columns):
        column.width = widths[index]
    for row in grid.rows:
        for index, cell in enumerate(row.cells):
            cell.width = widths[index]
    style = doc.styles["Wide Table Text" if width > 6 or table.css in _SMALL_TABLES else "Table Text"].style_id
    # Every cell looked up once before merging: Table.cell() walks the whole table on each call.
    grid_cells = {(r, c): cell for r, row in enumerate(grid.rows) for c, cell in enumerate(row.cells)}
    for r, c, cell in placed:
        target = grid_cells[r, c]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(grid_cells[r + cell.rowspan - 1, c + cell.colspan - 1])
        _cell(target, cell, style)
    for index, row in enumerate(grid.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))  # a row is never cut in two by a page break
        if index < len(table.head):  # repeated at the top of every page the table runs onto
            tr_pr.append(OxmlElement("w:tblHeader"))
    doc.add_paragraph()  # Word joins two consecutive tables; and the text after one needs its space


def _caption(grid, title: str) -> None:
    """The table's title as its accessible name (w:tblCaption), which the tests read back too."""
    tbl_pr = grid._tbl.tblPr
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), xml_text(title))
    # tblCaption comes after tblLayout/tblCellMar/tblLook in CT_TblPr: last is a valid place.
    tbl_pr.append(caption)


def _cell(target, cell: Cell, style_id: str) -> None:
    paragraph = target.paragraphs[0]
    paragraph._p.get_or_add_pPr().style = style_id  # by id: setting it by name looks up every style
    run = paragraph.add_run(xml_text(cell.text))
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if cell.kind in ("head", "caption"):
        _fonts(run._r.get_or_add_rPr(), HEADING1_FONT)
        paragraph.paragraph_format.keep_with_next = True  # a block's caption and header stay with its rows
    if cell.kind == "caption" or cell.kind == "note" or (cell.kind == "label" and cell.colspan < 4):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if cell.kind == "label" and cell.level:
        paragraph.paragraph_format.left_indent = Pt(10.5 * 2 * cell.level)
    if cell.kind == "vertical":  # 三、本年度办理结果: read top to bottom, as in the official table
        direction = OxmlElement("w:textDirection")
        direction.set(qn("w:val"), "tbRlV")
        tc_pr = target._tc.get_or_add_tcPr()
        tc_pr.insert(_after_vmerge(tc_pr), direction)


def _after_vmerge(tc_pr) -> int:
    """Where w:textDirection goes in w:tcPr: after width, spans, merges, borders, shading and wrap."""
    order = ("tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar")
    return sum(1 for child in tc_pr if child.tag.split("}")[1] in order)


def _chart(doc: DocumentObject, chart: Chart, index: int) -> None:
    """The chart's picture (its title is drawn in it, as in the HTML), with the title as alternative text."""
    paragraph = doc.add_paragraph(style="Chart")
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(chart.png), width=min(Mm(chart.width_mm), TEXT_WIDTH))
    doc_pr = run._r.find(".//" + qn("wp:docPr"))
    doc_pr.set("descr", xml_text(chart.title))  # the picture's alternative text
    doc_pr.set("name", f"图{index}")


def _properties(doc: DocumentObject, report: Report) -> None:
    """Title, author and dates from the report: 发布日期, never the time of the build."""
    published = report.data.year_facts.published
    moment = datetime(published.year, published.month, published.day, tzinfo=UTC)
    props = doc.core_properties
    props.title = xml_text(report.title)
    props.author = props.last_modified_by = xml_text(report.data.agency.name)
    props.created = props.modified = moment
    props.revision = 1
    props.language = "zh-CN"
    props.comments = props.subject = props.keywords = props.category = ""
    # The template's thumbnail shows an empty page of someone else's document.
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rel_id]


# 1980-01-01, the earliest time a zip entry can carry: the bytes do not depend on when they were made.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def fixed_zip(data: bytes) -> bytes:
    """The same .docx with every entry dated alike and in a fixed order ([Content_Types].xml first)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
