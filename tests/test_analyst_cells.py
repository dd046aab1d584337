"""The analyst's own cells: a Markdown note, a table and a chart added to a copy of the report notebook
reach the exported HTML and PDF, in the place they were put, escaped; the notebook's instructions do not."""

from __future__ import annotations

import io
import re

import matplotlib
import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from ogi_report.build import DEFAULT_NOTEBOOK, build
from ogi_report.cells import show_chart, show_table, year_rows
from ogi_report.export import ReportHTMLExporter

from .conftest import ROOT

matplotlib.use("Agg")

DATA = ROOT / "data" / "example"

NOTE = "## 补充说明\n\n本年度申请以**当面**方式为主。<script>alert(1)</script>"
TABLE = """\
requests = report.ledger("requests")
by_type = requests.groupby("申请人类型", observed=True).size().rename("件数")
show_table(by_type, "分析员加的表：按申请人类型统计")"""
CHART = """\
import matplotlib.pyplot as plt
months = report.ledger("requests")["收到日期"].dt.month.value_counts().sort_index()
fig, ax = plt.subplots(figsize=(6.4, 3))
ax.bar([f"{m}月" for m in months.index], months.values)
ax.set_title(f"{year}年申请按月分布（分析员）")
show_chart(fig)"""


def analyst_notebook(path):
    """A copy of the report notebook with three cells added after the body, as an analyst would."""
    nb = nbformat.read(DEFAULT_NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "report.body()" in c.source) + 1
    nb.cells[at:at] = [nbformat.v4.new_markdown_cell(NOTE), nbformat.v4.new_code_cell(TABLE),
                       nbformat.v4.new_code_cell(CHART)]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_analyst_cells_reach_html_and_pdf_in_place(tmp_path):
    notebook = analyst_notebook(tmp_path / "mine.ipynb")
    result = build(DATA, 2021, tmp_path / "out", notebook, editions=["html", "pdf"])
    page = (result.output / "report.html").read_text(encoding="utf-8")
    text = BeautifulSoup(page, "html.parser").get_text()

    # In the place the analyst put them: after the last part of the body, before the appendices' 图解.
    body_end, note, table, charts = (text.index(s) for s in (
        "六、其他需要报告的事项", "本年度申请以当面方式为主。", "分析员加的表：按申请人类型统计", "图解"))
    assert body_end < note < table < charts
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<div class="ogi-prose ogi-analyst">\n<h2>补充说明</h2>' in page
    assert 'alt="2021年申请按月分布（分析员）"' in page
    # The figures are the ledger's: 2021's requests by applicant type.
    expected = year_rows_2021()["申请人类型"].value_counts()
    soup = BeautifulSoup(page, "html.parser")
    rows = {tr.find_all("td")[0].text: tr.find_all("td")[1].text
            for tr in soup.select("table.ogi-analyst-table tbody tr")}
    assert rows == {k: str(v) for k, v in expected.items() if v}
    # The instructions cell is tagged `hide`; code is never shown.
    assert "在报告中加入自己的内容" not in text and "show_table" not in text

    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO((result.output / "report.pdf").read_bytes())).pages)
    flat = re.sub(r"\s+", "", pdf)
    assert flat.index("补充说明") < flat.index("分析员加的表：按申请人类型统计") < flat.index("图解")
    assert "本年度申请以当面方式为主。" in flat and "alert" in flat  # escaped text, not a script


def year_rows_2021() -> pd.DataFrame:
    from ogi_report.ledgers import load_agency_data

    return year_rows(load_agency_data(DATA, 2021, strict=False).ledgers, "requests", 2021)


def test_ledger_rows_of_the_year_with_chinese_names():
    frame = year_rows_2021()
    assert list(frame.columns) == ["编号", "收到日期", "申请人类型", "申请方式", "办理结果", "答复日期", "信息处理费（元）",
                                  "延期", "补正收到日期", "征求意见天数"]
    assert (frame["收到日期"].dt.year == 2021).all() and len(frame) > 0
    assert list(frame["申请人类型"].cat.categories) == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    with pytest.raises(ValueError, match="没有名为“request”的台账"):
        year_rows({}, "request", 2021)


def test_ledger_joins_channels_and_keeps_blanks_missing():
    from ogi_report.ledgers import load_agency_data

    ledgers = load_agency_data(DATA, 2021, strict=False).ledgers
    proactive = year_rows(ledgers, "proactive", 2021)
    assert proactive["渠道"].str.contains("、").any()
    assert proactive["渠道"].notna().all()
    requests = year_rows(ledgers, "requests", 2021)
    unanswered = requests["答复日期"].isna()
    assert requests.loc[unanswered, "办理结果"].isna().all()  # a blank outcome is NA, not ""


def test_show_table_escapes_and_formats():
    frame = pd.DataFrame({"标题": ["<b>x</b> & y", None], "日期": pd.to_datetime(["2021-03-05", None]),
                          "金额": [1200.5, 3.0]})
    html = show_table(frame, "标题<i>")._repr_html_()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt; &amp; y" in html
    assert "标题&lt;i&gt;" in html
    assert "<td>2021-03-05</td>" in html and "<td></td>" in html  # a blank stays blank
    assert '<td class="number">1200.5</td>' in html and '<td class="number">3</td>' in html


def test_show_chart_is_deterministic_and_closes_the_figure():
    import matplotlib.pyplot as plt

    def draw():
        fig, ax = plt.subplots()
        ax.bar(["1月", "2月"], [3, 5])
        ax.set_title("按月")
        return show_chart(fig)

    first, second = draw(), draw()
    assert first.png == second.png and first.png.startswith(b"\x89PNG")
    assert first.title == "按月" and 'alt="按月"' in first.html()
    assert plt.get_fignums() == []  # not shown a second time by Jupyter's inline backend


def test_analyst_charts_take_the_report_palette():
    import matplotlib

    from ogi_report.charts import _PALETTE

    assert [c.lstrip("#") for c in matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]] == \
        [c.lstrip("#") for c in _PALETTE]


def test_markdown_cells_exported_escaped_and_hidden_ones_dropped():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("说明", metadata={"tags": ["hide"]}),
        nbformat.v4.new_markdown_cell("正文<img src=x onerror=alert(1)> [链接](javascript:alert(1))"),
    ])
    page, _ = ReportHTMLExporter().from_notebook_node(nb)
    assert "说明" not in page
    assert "正文&lt;img" in page and "<img" not in page and "href=\"javascript" not in page


DRAW = """
import hashlib, sys
{first}
from ogi_report.cells import show_chart
assert ("matplotlib" in sys.modules) == {imported}
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.bar(["1月", "2月"], [3, 5])
ax.set_title("按月分布")
print(hashlib.sha256(show_chart(fig).png).hexdigest())
"""


def test_a_chart_looks_the_same_whether_matplotlib_was_imported_first_or_not():
    """In a kernel whose report charts came from the cache, matplotlib is first imported by the analyst's
    cell; otherwise by the report. Both must give the same picture, in the report's style."""
    import os
    import subprocess
    import sys

    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    env.pop("MATPLOTLIBRC", None)
    digests = [subprocess.run([sys.executable, "-c", DRAW.format(first=first, imported=imported)], env=env,
                              capture_output=True, text=True, check=True).stdout
               for first, imported in (("", False), ("import matplotlib", True))]
    assert digests[0] == digests[1] and len(digests[0].strip()) == 64


def test_the_notebook_documents_the_helpers_in_a_hidden_first_cell():
    first = nbformat.read(DEFAULT_NOTEBOOK, as_version=4).cells[0]
    assert first.cell_type == "markdown" and "hide" in first.metadata.get("tags", [])
    assert all(name in first.source for name in ('report.ledger("requests")', "show_table(", "show_chart(fig)"))
