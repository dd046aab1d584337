"""Render our example reports through the styles of real portals, for the audit readers' tests.

    python scripts/make_audit_corpus.py            # writes tests/audit_fixtures/corpus/

Each variant is one page (and a few .docx / .pdf) plus `<name>.expected.csv`: the cells a careful reader
finds in it (our figures.csv, with an empty value where the variant left a cell not filled). The pages
wrap the report in CMS pages (TRS_Editor in layout tables, zoom, article bodies) with navigation,
scripts and footers around it, and change what portals change: blanks, "/", "—" or "无" instead of zeros,
labels broken by <br> or carrying notes, other numbering, full-width digits, sums in 元 with thousands
separators, tables merged into one or split in two, <p> and &nbsp; inside cells. Deterministic: the same
repository gives the same bytes.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path

from lxml import etree, html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ogi_report.audit.document import Document, Grid  # noqa: E402
from ogi_report.audit.readers import read_document, read_report  # noqa: E402
from ogi_report.narrative import format_number  # noqa: E402
from ogi_report.report import load_report  # noqa: E402

OUT = ROOT / "tests" / "audit_fixtures" / "corpus"
BLANKS = ("", "/", "—", "无", "-", "0", "不适用", "／")  # "0" keeps some zeros written as zeros
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


@dataclass
class Figure:
    """One number cell of the page and what a reader must find in it."""

    td: etree._Element
    table: str
    row: str
    column: str
    value: float | None


Transform = Callable[[etree._Element, list[Figure]], None]


def _report_tree(agency: str, year: int) -> tuple[etree._Element, list[Figure], str]:
    report = load_report(ROOT / "data" / agency, year)
    fragment = f"<div class='report'>{report.header().markup}{report.body().markup}</div>"
    tree = html.fragment_fromstring(fragment)
    records = list(csv.DictReader(io.StringIO(report.figures_csv())))
    numbers = [td for td in tree.iter("td") if "number" in (td.get("class") or "")]
    assert len(numbers) == len(records), (len(numbers), len(records))
    figures = []
    for td, rec in zip(numbers, records, strict=True):
        assert td.text_content() == rec["value"], (td.text_content(), rec)
        figures.append(Figure(td, rec["table"], rec["row"], rec["column"], float(rec["value"])))
    date = report.data.year_facts.published.isoformat()
    return tree, figures, date


# ---- what portals do to the cells --------------------------------------------------------------------

def blank_zeros(tree: etree._Element, figures: list[Figure]) -> None:
    """Zeros written as blank, "/", "—", "无", "-", "不适用" (and some still as 0)."""
    zeros = [f for f in figures if f.value == 0 and f.td.text_content() == "0"]
    for i, fig in enumerate(zeros):
        text = BLANKS[i % len(BLANKS)]
        _set(fig.td, text)
        fig.value = 0.0 if text == "0" else None


def full_width(tree: etree._Element, figures: list[Figure]) -> None:
    for fig in figures[::2]:
        _set(fig.td, fig.td.text_content().translate(FULL_WIDTH))


def money_in_yuan(tree: etree._Element, figures: list[Figure]) -> None:
    """Sums of 万元 written in 元 with thousands separators, or with 万元 written out."""
    money = [f for f in figures if "万元" in f.column or "费用" in f.row or "经费" in f.row or "金额" in f.column]
    for i, fig in enumerate(money):
        if fig.value is None:
            continue
        yuan = Decimal(repr(fig.value)) * 10000
        _set(fig.td, f"{int(yuan):,}元" if i % 2 == 0 else f"{format_number(fig.value)}万元")


def label_breaks(tree: etree._Element, figures: list[Figure]) -> None:
    """Labels broken by <br> and spaces, with bracketed notes; numbering written otherwise."""
    for i, cell in enumerate(c for c in tree.iter("td", "th") if "number" not in (c.get("class") or "")):
        text = cell.text_content()
        text = text.replace("（一）", "(一)").replace("（二）", "(二)").replace("（三）", "(三)")
        if text[:2] in ("1.", "2.", "3.", "4.", "5."):
            text = text[0] + "、" + text[2:]
        for child in list(cell):
            cell.remove(child)
        if len(text) >= 6 and "勾稽" not in text:
            middle = len(text) // 2
            cell.text = text[:middle]
            br = etree.SubElement(cell, "br")
            br.tail = text[middle:] + ("（件）" if i % 5 == 0 and text.endswith("数量") else "")
        else:
            cell.text = " ".join(text) if len(text) <= 3 else text


def p_in_cells(tree: etree._Element, figures: list[Figure]) -> None:
    """Word-pasted cells: <p><span> inside each cell, &nbsp; around numbers, style attributes."""
    for table in tree.iter("table"):
        table.set("border", "1")
        table.set("style", "border-collapse:collapse;width:600px")
        table.set("cellspacing", "0")
    for cell in tree.iter("td", "th"):
        text_nodes = cell.text_content()
        for child in list(cell):
            cell.remove(child)
        cell.text = None
        cell.set("style", "border:1px solid #000;padding:0 5.4pt")
        cell.set("valign", "middle")
        p = etree.SubElement(cell, "p", {"align": "center", "style": "text-indent:0;line-height:150%"})
        span = etree.SubElement(p, "span", {"style": "font-family:仿宋_GB2312;font-size:12pt"})
        span.text = f"\u00a0{text_nodes}\u00a0" if text_nodes.strip() else "\u00a0"


def headings_as_paragraphs(tree: etree._Element, figures: list[Figure]) -> None:
    """Part headings as bold paragraphs, the date line moved to the end as the signature."""
    for h in list(tree.iter("h2")):
        h.tag = "p"
        h.set("style", "text-indent:2em")
        text = h.text_content()
        for child in list(h):
            h.remove(child)
        h.text = None
        etree.SubElement(h, "strong").text = text


def merge_tables(tree: etree._Element, figures: list[Figure]) -> None:
    """All figure tables as one table (as some CMS editors paste them)."""
    tables = [t for t in tree.iter("table")]
    first = tables[0]
    body = etree.SubElement(first, "tbody")
    for table in tables:
        for tr in list(table.iter("tr")):
            body.append(tr)
    for part in list(first):
        if part is not body:
            first.remove(part)
    for table in tables[1:]:
        table.getparent().remove(table)


def split_requests(tree: etree._Element, figures: list[Figure]) -> None:
    """Table 三 split in two after its 8th body row (a page break pasted from Word): the second table
    has no header; the merged labels that cross the break are written again in it."""
    table = next(t for t in tree.iter("table") if "ogi-requests" in (t.get("class") or ""))
    rows = list(table.find("tbody"))
    cut = 8
    second = copy.deepcopy(table)
    for part in list(second):
        second.remove(part)
    body = etree.SubElement(second, "tbody")
    carried = []
    for i, tr in enumerate(rows[:cut]):
        for cell in tr:
            span = int(cell.get("rowspan", "1"))
            if i + span > cut:
                cell.set("rowspan", str(cut - i))
                again = copy.deepcopy(cell)
                again.set("rowspan", str(i + span - cut))
                carried.append(again)
    for tr in rows[cut:]:
        body.append(tr)
    first_row = body[0]
    for k, cell in enumerate(carried):
        first_row.insert(k, cell)
    note = etree.Element("p")
    note.text = "（续表）"
    table.getparent().addnext(note)
    note.addnext(second)


# ---- CMS pages around the report ------------------------------------------------------------------

NAV = """<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwgk/ndbg/">政府信息公开年报</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<script type="text/javascript">document.write('<div>一、总体情况</div>');var visits = 12345;</script>"""
RELATED = """<div class="related"><h3>相关阅读</h3><ul>
<li><a href="../t1.html">示例街道2020年政府信息公开工作年度报告</a><span>2021-01-20</span></li>
<li><a href="../t2.html">关于公布2023年度政务公开考核结果的通知</a><span>2024-02-01</span></li></ul></div>"""
FOOTER = """<div class="footer"><table><tr><td>主办单位：示例县人民政府办公室</td><td>网站标识码：2201810001</td>
</tr><tr><td>访问量</td><td>123456</td></tr></table><p>吉ICP备12345678号</p></div>"""


def trs_page(title: str, date: str, report: str) -> str:
    """A county portal of the 2010s: layout tables, TRS_Editor, GBK, publication info above the body."""
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date} 09:30">
<meta name="ContentSource" content="示例县人民政府办公室"><title>{title}_示例县人民政府</title>
<style>.TRS_Editor P{{margin-top:5px;font-size:12pt}}</style></head>
<body>{NAV}
<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td width="200" valign="top">
<table><tr><td><a href="#">政府信息公开指南</a></td></tr><tr><td><a href="#">政府信息公开制度</a></td></tr>
<tr><td>2023</td></tr></table></td>
<td width="800" valign="top"><table width="100%"><tr><td class="title" align="center">{title}</td></tr>
<tr><td align="center">发布时间：{date}&nbsp;&nbsp;来源：示例县人民政府办公室&nbsp;&nbsp;浏览次数：1024</td></tr>
<tr><td><div class="TRS_Editor">{report}</div></td></tr></table></td></tr></table>
{RELATED}{FOOTER}</body></html>"""


def zoom_page(title: str, date: str, report: str) -> str:
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<meta name="firstpublishedtime" content="{date}-08:00:00"><script src="/js/jquery.min.js"></script></head>
<body><div class="header">{NAV}</div>
<div class="main"><div class="position">当前位置：首页 &gt; 政务公开 &gt; 年度报告</div>
<h1 class="article-title">{title}</h1><div class="info">发布日期：{date} 字号：[大 中 小]</div>
<div id="zoom">{report}</div><div class="share">分享到：</div></div>{RELATED}{FOOTER}
<script>window.onload=function(){{document.getElementById('zoom').style.fontSize='16px'}}</script></body></html>"""


def article_page(title: str, date: str, report: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}-示例市人民政府门户网站</title>
<meta property="article:published_time" content="{date}T10:00:00+08:00"></head><body>
<header>{NAV}</header><main><article class="article"><div class="article-head"><h1>{title}</h1></div>
<div class="article-content">{report}</div></article><aside>{RELATED}</aside></main><footer>{FOOTER}</footer>
</body></html>"""


@dataclass(frozen=True)
class Variant:
    name: str
    agency: str
    year: int
    transforms: tuple[Transform, ...]
    page: Callable[[str, str, str], str]
    encoding: str = "utf-8"


VARIANTS = (
    Variant("trs-gbk-2021", "example", 2021, (p_in_cells, headings_as_paragraphs), trs_page, "gb18030"),
    Variant("zoom-blanks-2024", "example", 2024, (blank_zeros,), zoom_page),
    Variant("article-labels-2019", "example", 2019, (label_breaks, full_width, money_in_yuan), article_page),
    Variant("trs-merged-2021", "example", 2021, (merge_tables, blank_zeros), trs_page),
    Variant("zoom-split-2023", "example", 2023, (split_requests, label_breaks), zoom_page),
    Variant("article-customary-2017", "naizishan", 2017, (money_in_yuan, blank_zeros, full_width), article_page),
)


def _set(td: etree._Element, text: str) -> None:
    for child in list(td):
        td.remove(child)
    td.text = text


def _expected(figures: list[Figure]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "column", "value"])
    for f in figures:
        writer.writerow([f.table, f.row, f.column, "" if f.value is None else format_number(f.value)])
    return out.getvalue()


def render(variant: Variant) -> tuple[bytes, str]:
    tree, figures, date = _report_tree(variant.agency, variant.year)
    title = tree.findtext(".//h1") or ""
    header = tree.find(".//header")
    header.getparent().remove(header)  # the CMS shows the title; the date line goes to the end
    for transform in variant.transforms:
        transform(tree, figures)
    signature = etree.SubElement(tree, "p", {"align": "right"})
    signature.text = f"{date[:4]}年{int(date[5:7])}月{int(date[8:])}日"
    report = "".join(html.tostring(child, encoding="unicode") for child in tree)
    page = variant.page(title, date, report)
    return page.encode(variant.encoding), _expected(figures)


# ---- the same reports as Word and PDF files ------------------------------------------------------

# (name of the Word / PDF fixture, the page variant whose report it carries)
FILES = (("word-blanks-2024.docx", "zoom-blanks-2024"), ("word-customary-2017.docx", "article-customary-2017"),
         ("pdf-labels-2019.pdf", "article-labels-2019"))


def _spans(grid: Grid) -> list[list[tuple[int, int, str, int, int]]]:
    """Each grid row's cells that start in it: (row, column, text, rowspan, colspan)."""
    extent: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(grid.rows):
        for c, slot in enumerate(row):
            r1, c1 = extent.get(slot.origin, (r, c))
            extent[slot.origin] = (max(r1, r), max(c1, c))
    rows: list[list[tuple[int, int, str, int, int]]] = [[] for _ in grid.rows]
    for (r0, c0), (r1, c1) in sorted(extent.items()):
        rows[r0].append((r0, c0, grid.rows[r0][c0].text, r1 - r0 + 1, c1 - c0 + 1))
    return rows


def word_file(title: str, doc: Document) -> bytes:
    import docx

    word = docx.Document()
    word.core_properties.title = title
    word.add_paragraph(title)
    for block in doc.blocks:
        if isinstance(block, str):
            word.add_paragraph(block)
            continue
        table = word.add_table(rows=len(block.rows), cols=block.width)
        table.style = "Table Grid"
        for cells in _spans(block):
            for r, c, text, rowspan, colspan in cells:
                cell = table.cell(r, c)
                if rowspan > 1 or colspan > 1:
                    cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
                cell.text = text
    out = io.BytesIO()
    word.save(out)
    return _fixed_zip_dates(out.getvalue())


def _fixed_zip_dates(raw: bytes) -> bytes:
    """The same bytes on every run: zip members dated 1980-01-01, core properties without dates."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", data)
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def pdf_file(title: str, doc: Document) -> bytes:
    from weasyprint import HTML

    parts = [f"<h1>{escape(title)}</h1>"]
    for block in doc.blocks:
        if isinstance(block, str):
            parts.append(f"<p>{escape(block)}</p>")
            continue
        rows = []
        for cells in _spans(block):
            rows.append("<tr>" + "".join(
                f'<td rowspan="{rs}" colspan="{cs}">{escape(text)}</td>' for _, _, text, rs, cs in cells) + "</tr>")
        parts.append("<table>" + "".join(rows) + "</table>")
    page = f"""<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title><style>
@page {{ size: A4; margin: 20mm }} body {{ font-family: "Noto Serif CJK SC"; font-size: 10.5pt }}
table {{ border-collapse: collapse; width: 100% }} td {{ border: 0.75pt solid #000; padding: 2pt; font-size: 8pt }}
</style></head><body>{"".join(parts)}</body></html>"""
    return HTML(string=page).write_pdf()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for variant in VARIANTS:
        page, expected = render(variant)
        (OUT / f"{variant.name}.html").write_bytes(page)
        (OUT / f"{variant.name}.expected.csv").write_text(expected, encoding="utf-8")
        print(f"{variant.name}.html")
    for name, source in FILES:
        doc = read_document(OUT / f"{source}.html")
        title = read_report(OUT / f"{source}.html").title
        raw = word_file(title, doc) if name.endswith(".docx") else pdf_file(title, doc)
        target = OUT / name
        target.write_bytes(raw)
        shutil.copyfile(OUT / f"{source}.expected.csv", target.with_suffix(".expected.csv"))
        print(name)


if __name__ == "__main__":
    main()
