"""Backtest: the published 2017 report of 奶子山街道办事处 comes out of the pipeline, figure for figure.

Expected values are from the published report, docs/seed/naizishan-2017-annual-report.txt
(《奶子山街2017年政府信息公开工作年度报告》, 2018-01-10).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from ogi_report.build import build
from ogi_report.cli import main
from ogi_report.editions import EDITIONS

from .conftest import ROOT

pytestmark = pytest.mark.slow

NOTEBOOK = ROOT / "notebooks" / "annual_report.ipynb"
DATA = ROOT / "data" / "naizishan"

# (table, row, value) as published in 奶子山街2017年政府信息公开工作年度报告
PUBLISHED = [
    ("二、主动公开政府信息情况", "主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "37"),
    ("二、主动公开政府信息情况", "其中：主动公开规范性文件数", "15"),
    ("二、主动公开政府信息情况", "制发规范性文件总数", "9"),
    ("二、主动公开政府信息情况", "政府网站公开政府信息数", "37"),
    ("二、主动公开政府信息情况", "政务公开栏公开政府信息数", "12"),
    ("三、回应解读情况", "回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "0"),
    ("四、依申请公开政府信息情况", "收到申请数", "0"),
    ("五、行政复议、诉讼和举报投诉情况", "因政府信息公开申请行政复议数", "0"),
    ("五、行政复议、诉讼和举报投诉情况", "因政府信息公开申请提起行政诉讼数", "0"),
    ("五、行政复议、诉讼和举报投诉情况", "因政府信息公开工作被举报投诉数量", "0"),
    ("六、机构建设、保障经费和培训会议情况", "政府信息公开工作专门机构数", "1"),
    ("六、机构建设、保障经费和培训会议情况", "设置政府信息公开查阅点数", "1"),
    ("六、机构建设、保障经费和培训会议情况", "从事政府信息公开工作人员数", "1"),
    ("六、机构建设、保障经费和培训会议情况", "专职人员数", "1"),
    ("六、机构建设、保障经费和培训会议情况", "召开政府信息公开工作会议或专题会议数", "2"),
]
# Sentences of the published report that carry figures, as they must read in HTML and PDF.
PUBLISHED_SENTENCES = [
    "奶子山街2017年政府信息公开工作年度报告",
    "（2018年1月10日）",
    "本年度主动公开政府信息37条；其中主动公开规范性文件15条，制发规范性文件9件。",
    "2017年，我街在政府网站公开信息37条，政务公开栏公开信息12条。",
    "共有政府信息公开工作全职人员1名",
    "（一）政府信息公开工作专门机构1个。",
    "设置政府信息公开查阅点数1个",
    "从事政府信息公开工作人员数1名",
    "召开政府信息公开工作会议或专题会议数2次",
    "2017年度，我街未收到任何形式的政府信息公开申请。",
    "本年度没有因为政府信息公开工作而被申请行政复议或被提起行政诉讼。",
    "（地址：蛟河市中岗街北岗路19号，邮编：132507；电话：0432-67201262；电子邮箱：jhnzsj@163.com）",
    "统计期限自2017年1月1日起至12月31日止",
    "（二）2018年工作打算",
]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    result = build(DATA, 2017, out, NOTEBOOK)
    return result.output


def test_outputs_are_all_there(built):
    assert sorted(p.name for p in built.iterdir() if not p.name.startswith(".")) == sorted(
        ["figures.csv", "report.ipynb", *(e.file for e in EDITIONS.values())])
    assert {"report.html", "report.pdf", "report.docx"} <= {e.file for e in EDITIONS.values()}


def test_every_published_figure_is_in_figures_csv(built):
    figures = pd.read_csv(built / "figures.csv", dtype=str, encoding="utf-8-sig")
    assert list(figures.columns) == ["table", "row", "column", "value"]
    lookup = {(t, r): v for t, r, c, v in figures.itertuples(index=False) if c == "数量"}
    for table, row, value in PUBLISHED:
        assert lookup[(table, row)] == value, (table, row)


def test_html_reads_like_the_published_report(built):
    html = (built / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "<script" not in html  # offline, nothing executable
    assert not re.search(r'(src|href)="https?://', html)  # no CDN, images embedded
    assert "data_dir" not in html and "load_report" not in html  # no code or parameters
    text = _squash(_text(html))
    for sentence in PUBLISHED_SENTENCES:
        assert _squash(sentence) in text, sentence
    assert html.count('src="data:image/png;base64,') == 2  # 图解: by month and by channel
    assert "<h2>七、存在问题及工作打算</h2>" in html and "<h2>附：图解</h2>" in html


def test_pdf_is_a4_with_page_numbers_and_embedded_sc_fonts(built):
    reader = PdfReader(built / "report.pdf")
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    text = _squash("".join(page.extract_text() for page in reader.pages))
    for sentence in PUBLISHED_SENTENCES:
        assert _squash(sentence) in text, sentence
    assert f"第1页/共{len(reader.pages)}页" in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font.get("/DescendantFonts")
            if descendant:
                assert "/FontFile3" in descendant[0].get_object()["/FontDescriptor"] or \
                    "/FontFile2" in descendant[0].get_object()["/FontDescriptor"]
    assert any("CJK-SC" in f for f in fonts), fonts
    assert not any("JP" in f for f in fonts), fonts


def test_same_inputs_give_the_same_bytes(built, tmp_path):
    again = build(DATA, 2017, tmp_path, NOTEBOOK, force=True).output
    for name in ("report.html", "report.pdf", "figures.csv", "report.ipynb"):
        assert (again / name).read_bytes() == (built / name).read_bytes(), name


def test_the_published_notebook_names_no_path_beyond_the_data_folder(built):
    import nbformat

    nb = nbformat.read(built / "report.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", ()))
    assert 'data_dir = "naizishan"' in injected.source and ".." not in injected.source
    text = (built / "report.ipynb").read_text(encoding="utf-8")
    assert str(ROOT) not in text and str(built.parent.parent) not in text


def test_a_bad_report_does_not_stop_a_good_one_in_parallel(tmp_path, capsys):
    bad = ROOT / "tests" / "bad_inputs" / "duplicate_id"
    params = tmp_path / "params"
    params.mkdir()
    (params / "good.yaml").write_text(f"data_dir: {DATA}\nyear: 2017\n", encoding="utf-8")
    (params / "bad.yaml").write_text(f"data_dir: {bad}\nyear: 2021\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["build", "--params", str(params / "good.yaml"), str(params / "bad.yaml"), "--jobs", "2",
            "--out", str(out), "--notebook", str(NOTEBOOK)]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "已生成  naizishan 2017" in captured.out
    assert (out / "naizishan" / "2017" / "report.pdf").is_file()
    errors = [line.strip() for line in captured.err.splitlines() if line.strip().startswith("错误：")]
    assert errors == (bad / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert "BrokenProcessPool" not in captured.err
    assert [p.name for p in out.rglob(".*building*")] == []


def test_failed_build_leaves_previous_outputs_intact(built, tmp_path):
    data = tmp_path / "naizishan"
    shutil.copytree(DATA, data)
    out = tmp_path / "out"
    first = build(data, 2017, out, NOTEBOOK).output
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    with (data / "proactive.csv").open("a", encoding="utf-8") as f:
        f.write("2017-06-01,坏数据,,电视台\n")
    assert main(["build", str(data), "--year", "2017", "--out", str(out), "--notebook", str(NOTEBOOK)]) == 1
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    assert sorted(p.name for p in (out / "naizishan").iterdir()) == [".2017.lock", "2017"]  # no temporary folder


def test_missing_ledgers_are_named_in_the_build_log(tmp_path, capsys):
    assert main(["build", str(DATA), "--year", "2017", "--out", str(tmp_path), "--notebook", str(NOTEBOOK)]) == 0
    out = capsys.readouterr().out
    assert "以下台账不存在，相应数字按 0 计：decisions.csv、fees.csv" in out


def test_a_notebook_without_the_problem_list_cell_still_builds(built, tmp_path, capsys):
    """The run's summary travels in that cell's output; without it the build checks the input itself."""
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells = [c for c in nb.cells if "problem_list" not in c.source]
    edited = tmp_path / "edited.ipynb"
    nbformat.write(nb, edited)
    assert main(["build", str(DATA), "--year", "2017", "--out", str(tmp_path), "--notebook", str(edited)]) == 0
    assert "以下台账不存在，相应数字按 0 计：decisions.csv、fees.csv" in capsys.readouterr().out
    output = tmp_path / "naizishan" / "2017"
    assert (output / "figures.csv").read_bytes() == (built / "figures.csv").read_bytes()
    assert "<title>奶子山街2017年政府信息公开工作年度报告</title>" in (output / "report.html").read_text(encoding="utf-8")


def test_unchanged_inputs_are_not_rebuilt(built, capsys):
    out = built.parent.parent
    assert main(["build", str(DATA), "--year", "2017", "--out", str(out), "--notebook", str(NOTEBOOK)]) == 0
    assert "未变化，跳过" in capsys.readouterr().out


def test_check_command_passes_on_the_seed(capsys):
    assert main(["check", str(DATA), "--year", "2017"]) == 0
    assert "0 个错误" in capsys.readouterr().out


def test_every_character_has_a_glyph_in_the_sc_fonts(built):
    """No glyph drawn as a box: every character of the report exists in the Noto CJK SC faces used."""
    from fontTools.ttLib import TTCollection

    from ogi_report.build import preflight

    preflight()
    text = set(_text((built / "report.html").read_text(encoding="utf-8"))) - set("\n\r\t ")
    for family in ("Noto Serif CJK SC", "Noto Sans CJK SC"):
        path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True).stdout
        face = next(f for f in TTCollection(path).fonts if f["name"].getDebugName(1) == family)
        cmap = face.getBestCmap()
        missing = sorted(c for c in text if ord(c) not in cmap)
        assert missing == [], (family, missing)


def test_notebook_runs_top_to_bottom_with_its_defaults(built, tmp_path):
    """As an analyst runs it in JupyterLab: no parameters injected, from the notebooks folder."""
    import papermill

    from ogi_report.build import start_kernel, stop_kernel

    shutil.copytree(DATA, tmp_path / "data" / "naizishan")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, tmp_path / "notebooks" / NOTEBOOK.name)
    km = start_kernel(tmp_path / "notebooks")
    try:
        papermill.execute_notebook(str(tmp_path / "notebooks" / NOTEBOOK.name), None, cwd=str(tmp_path / "notebooks"),
                                   progress_bar=False, km=km)
    finally:
        stop_kernel(km)
    written = tmp_path / "outputs" / "_preview" / "figures.csv"
    assert written.read_bytes() == (built / "figures.csv").read_bytes()
    # A preview never writes into a report's published folder (it used to replace its figures.csv).
    assert [p.name for p in (tmp_path / "outputs").iterdir()] == ["_preview"]


def test_a_changed_file_in_a_published_folder_is_rebuilt(tmp_path, capsys):
    """The stamp covers the published files: a preview or hand edit there no longer gives "未变化，跳过"."""
    args = ["build", str(DATA), "--year", "2017", "--out", str(tmp_path), "--notebook", str(NOTEBOOK)]
    assert main(args) == 0
    figures = tmp_path / "naizishan" / "2017" / "figures.csv"
    published = figures.read_bytes()
    figures.write_bytes(published.replace(b",37\n", b",38\n"))
    capsys.readouterr()
    assert main(args) == 0
    assert "已生成" in capsys.readouterr().out and figures.read_bytes() == published
    assert main(args) == 0
    assert "未变化，跳过" in capsys.readouterr().out


def test_the_build_process_leaves_the_ledgers_to_the_kernel(tmp_path):
    """Loading pandas and the ledgers a second time, outside the notebook, would cost every build that
    writes only editions made from the executed notebook (the Word file needs the Report: editions.py)."""
    code = ("import sys; from ogi_report.build import build; "
            f"build({str(DATA)!r}, 2017, {str(tmp_path)!r}, {str(NOTEBOOK)!r}, editions=['html', 'pdf']); "
            "print(sorted(m for m in ('pandas', 'ogi_report.ledgers', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "naizishan" / "2017" / "report.pdf").is_file()


def test_changing_a_published_reports_figures_needs_republish(tmp_path, capsys):
    """The 2017 report came out on 2018-01-10: a ledger edit must not re-publish it with other figures."""
    data = tmp_path / "naizishan"
    shutil.copytree(DATA, data)
    args = ["build", str(data), "--year", "2017", "--out", str(tmp_path / "out"), "--notebook", str(NOTEBOOK)]
    assert main(args) == 0
    published = tmp_path / "out" / "naizishan" / "2017"
    before = {p.name: p.read_bytes() for p in published.iterdir()}
    with (data / "proactive.csv").open("a", encoding="utf-8") as f:
        f.write("2017-06-01,补登的信息,,政府网站\n")
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "已于 2018-01-10 发布" in err and "--republish" in err
    assert "主动公开政府信息数（不同渠道和方式公开相同信息计1条） ｜ 数量：已发布 37 → 现在 38" in err
    # the ledger row responsible, by file, row as Excel numbers it, and its content
    rows = len((data / "proactive.csv").read_text(encoding="utf-8").splitlines())
    assert f"    新计入：proactive.csv 第{rows}行（" in err and "补登的信息" in err
    assert {p.name: p.read_bytes() for p in published.iterdir()} == before
    assert main([*args, "--republish"]) == 0
    assert b",38\n" in (published / "figures.csv").read_bytes()


def test_the_report_notebook_ships_in_the_package_and_is_the_projects_one():
    """One source: notebooks/annual_report.ipynb is a link to the package's copy."""
    from ogi_report.build import DEFAULT_NOTEBOOK

    assert DEFAULT_NOTEBOOK.is_relative_to(Path(__import__("ogi_report").__file__).parent)
    assert NOTEBOOK.is_symlink()
    assert NOTEBOOK.resolve() == ROOT / "src" / "ogi_report" / "notebooks" / "annual_report.ipynb"
    assert DEFAULT_NOTEBOOK.read_bytes() == NOTEBOOK.read_bytes()  # the installed copy is that file


def test_build_works_from_any_folder_without_naming_the_notebook(tmp_path, monkeypatch, capsys):
    """It used to stop with "找不到笔记本 …/notebooks/annual_report.ipynb" outside the project root."""
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(DATA), "--year", "2017", "--out", "out"]) == 0
    assert (tmp_path / "out" / "naizishan" / "2017" / "report.pdf").is_file()


def test_a_changed_published_figure_names_rows_no_longer_counted_too(tmp_path, capsys):
    """Removing a row of a published report's ledger: the figure's line names it as 不再计入, and a
    publication without the rows snapshot (an older build) still names the rows counted now."""
    data = tmp_path / "naizishan"
    shutil.copytree(DATA, data)
    args = ["build", str(data), "--year", "2017", "--out", str(tmp_path / "out"), "--notebook", str(NOTEBOOK)]
    assert main(args) == 0
    lines = (data / "proactive.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    gone = next(i for i, line in enumerate(lines) if line.startswith("2017-"))
    (data / "proactive.csv").write_text("".join(lines[:gone] + lines[gone + 1:]), encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "已发布 37 → 现在 36" in err
    assert f"    不再计入：proactive.csv 第{gone + 1}行（" in err and lines[gone].split(",")[1] in err
    assert "新计入" not in err  # the rows below moved up one line: not a change of what is counted

    (tmp_path / "out" / "naizishan" / "2017" / ".figure-rows.json").unlink()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "发布时未保存逐行记录，无法比较；现在计入的台账记录：proactive.csv 第" in err and "等 36 行" in err
