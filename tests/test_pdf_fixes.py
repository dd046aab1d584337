"""The archival PDF's post-processing (export/pdf_fixes.py) on small pages: one attachment entry, scoped
header cells, data cells pointing at their headers through rowspans, also when WeasyPrint splits a table
across pages. These check the result, so they keep passing when WeasyPrint fixes its side."""

from __future__ import annotations

import io

import pikepdf
import pytest

from ogi_report.export import html_to_pdf

from .pdf_structure import TaggedPdf, elements

CSV = "table,row,column,value\n表,甲,数量,1\n".encode("utf-8-sig")


def page(rows: int, row_height: str = "6mm") -> str:
    body = "".join(
        "<tr>" + (f'<th rowspan="{rows}">三、结果</th>' if i == 0 else "")
        + f'<th>项{i}</th><td>{i}</td><td>{i + 100}</td></tr>' for i in range(rows))
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试报告</title>'
            f'<style>td, th {{ height: {row_height}; border: 1px solid }}</style></head><body><main><h1>测试</h1>'
            f'<p>正文。</p><table><thead><tr><th colspan="2">项目</th><th>自然人</th><th>法人</th></tr></thead>'
            f'<tbody>{body}</tbody></table><img alt="图：甲 1" src="data:image/png;base64,'
            'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC">'
            '</main></body></html>')


@pytest.fixture(scope="module")
def small():
    return html_to_pdf(page(3), CSV)


def test_one_associated_file_entry_extracting_to_the_csv(small):
    pdf = pikepdf.open(io.BytesIO(small))
    assert len(pdf.Root.AF) == 1  # WeasyPrint 70 lists it twice
    spec = pdf.attachments["figures.csv"]
    assert spec.obj.AFRelationship == pikepdf.Name("/Data") and spec.get_file().mime_type == "text/csv"
    assert spec.get_file().read_bytes() == CSV


def test_header_cells_are_scoped_and_data_cells_point_at_them(small):
    tagged = TaggedPdf(small)
    scopes = {tagged.text(th): str(th.A.Scope) for th in elements(tagged.root, "/TH")}
    assert scopes == {"项目": "/Column", "自然人": "/Column", "法人": "/Column", "三、结果": "/Row",
                      "项0": "/Row", "项1": "/Row", "项2": "/Row"}
    assert dict(tagged.data_cells()) == {
        "0": ["三、结果", "项0", "自然人"], "100": ["三、结果", "项0", "法人"],
        "2": ["三、结果", "项2", "自然人"], "102": ["三、结果", "项2", "法人"],
        "1": ["三、结果", "项1", "自然人"], "101": ["三、结果", "项1", "法人"]}


def test_document_language_title_and_figure_text(small):
    tagged = TaggedPdf(small)
    assert str(tagged.pdf.Root.Lang) == "zh-CN" and bool(tagged.pdf.Root.ViewerPreferences.DisplayDocTitle)
    assert str(tagged.pdf.open_metadata().get("dc:title")) == "测试报告"
    assert [str(f.Alt) for f in elements(tagged.root, "/Figure")] == ["图：甲 1"]
    assert [tagged.text(p) for p in elements(tagged.root, "/P")] == ["正文。"]
    assert [tagged.text(h) for h in elements(tagged.root, "/H1")] == ["测试"]


def test_a_table_split_across_pages_keeps_its_merged_label(tmp_path):
    data = html_to_pdf(page(40, "12mm"), CSV)
    tagged = TaggedPdf(data)
    assert len(list(elements(tagged.root, "/Table"))) > 1  # WeasyPrint tags each page's part apart
    cells = dict(tagged.data_cells())
    assert len(cells) == 80
    assert cells["39"] == ["三、结果", "项39", "自然人"] and cells["139"] == ["三、结果", "项39", "法人"]


def test_a_table_whose_headers_are_in_its_body_keeps_them_on_the_next_page():
    # as the 主动公开 table: a caption row and a header row in <tbody>, then the data rows
    rows = "".join(f'<tr><th>项{i}</th><td>{i + 1000}</td></tr>' for i in range(40))
    html = page(1).replace("<table>", '<table><tbody><tr><th colspan="2">第二十条</th></tr>'
                           '<tr><th>信息内容</th><th>件数</th></tr>' + rows + "</tbody></table><table>")
    tagged = TaggedPdf(html_to_pdf(html.replace("height: 6mm", "height: 12mm"), CSV))
    cells = dict(tagged.data_cells())
    assert cells["1039"] == ["项39", "第二十条", "件数"] and cells["1000"] == ["项0", "第二十条", "件数"]


def test_same_page_same_bytes(small):
    assert html_to_pdf(page(3), CSV) == small
