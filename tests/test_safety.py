"""Nothing executable gets through, a failing notebook is reported plainly, and the HTML names its inputs."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from ogi_report.build import BuildError, build, inputs_hash
from ogi_report.cli import main

from .conftest import ROOT

pytestmark = pytest.mark.slow
NOTEBOOK = ROOT / "notebooks" / "annual_report.ipynb"
HOSTILE = [
    "<script>alert('x')</script>关于印发办法的通知",
    '<img src=x onerror="alert(1)">低保公示',
]


@pytest.fixture
def hostile_agency(agency):
    documents = ("文号,标题,类型,印发日期,废止日期\n"
                 f"示发〔2021〕1号,\"{HOSTILE[0]}\",行政规范性文件,2021-03-01,\n"
                 f"示发〔2021〕2号,\"{HOSTILE[1].replace(chr(34), chr(34) * 2)}\",行政规范性文件,2021-04-01,\n")
    prose = ('本年度概况。<script>alert("prose")</script>\n\n'
             '<a href="#" onclick="alert(2)">点击</a>\n\n[查看](javascript:alert(3))\n')
    folder = agency({"documents": documents}, {2021: "发布日期: 2022-01-20\n附录: [本年制发规范性文件目录]\n"},
                    {2021: {"总体情况": prose}})
    (folder / "agency.yaml").write_text("名称: <b onmouseover=alert(4)>测试</b>街道办事处\n简称: 测试街\n",
                                        encoding="utf-8")
    return folder


def test_ledger_titles_and_prose_html_are_shown_as_text(hostile_agency, tmp_path):
    out = build(hostile_agency, 2021, tmp_path / "out", NOTEBOOK).output
    html = (out / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == []
    assert not soup.select("[onerror], [onclick], [onmouseover]")
    assert not soup.select('a[href^="javascript:"]')
    assert soup.find_all("img", src="x") == []
    text = soup.get_text()
    for title in HOSTILE:
        assert title in text  # shown to the reader exactly as typed, as text
    assert '<script>alert("prose")</script>' in text
    pdf_text = "".join(p.extract_text() for p in PdfReader(out / "report.pdf").pages)
    assert "<script>alert('x')</script>" in re.sub(r"\s+", "", pdf_text)


def test_inputs_hash_is_recorded_and_follows_the_ledgers(hostile_agency, tmp_path):
    out = build(hostile_agency, 2021, tmp_path / "out", NOTEBOOK).output
    meta = BeautifulSoup((out / "report.html").read_text(encoding="utf-8"), "html.parser").find(
        "meta", attrs={"name": "ogi-report-inputs-sha256"})
    assert meta["content"] == inputs_hash(hostile_agency, 2021)
    before = meta["content"]
    with (hostile_agency / "documents.csv").open("a", encoding="utf-8") as f:
        f.write("示发〔2021〕3号,新文件,行政规范性文件,2021-05-01,\n")
    assert inputs_hash(hostile_agency, 2021) != before
    assert str(tmp_path) not in (out / "report.html").read_text(encoding="utf-8")  # no machine paths


def test_a_notebook_failing_mid_run_is_reported_with_its_cell(agency, tmp_path, capsys):
    folder = agency({"proactive": "发布日期,标题,类别,渠道\n2021-01-05,通知,,政府网站\n"},
                    {2021: "发布日期: 2022-01-20\n"})
    out = tmp_path / "out"
    first = build(folder, 2021, out, NOTEBOOK).output
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    broken = nbformat.read(NOTEBOOK, as_version=4)
    broken.cells.insert(4, nbformat.v4.new_code_cell("1 / 0  # an analyst's mistake"))
    broken_path = tmp_path / "broken.ipynb"
    nbformat.write(broken, broken_path)
    with pytest.raises(BuildError, match=r"第 \d+ 个代码单元格执行出错：ZeroDivisionError"):
        build(folder, 2021, out, broken_path, force=True)
    abandoned = out / folder.name / ".2021.building-4194304-x"  # a killed build's folder: no such pid
    abandoned.mkdir()
    assert main(["build", str(folder), "--year", "2021", "--out", str(out), "--notebook", str(broken_path),
                 "--force"]) == 1
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    assert sorted(p.name for p in (out / folder.name).iterdir()) == [".2021.lock", "2021"]


def test_stored_notebook_has_no_outputs_and_a_parameters_cell():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code")
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    source = "".join(tagged[0]["source"])
    assert re.findall(r"^(\w+) =", source, re.M) == ["data_dir", "year", "output_dir", "preview"]
