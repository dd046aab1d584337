"""`ogi-report audit`: a folder of published reports → figures.csv per report, findings.csv, audit.html.

One unreadable file is a finding, the outputs are the same bytes on every run, a hostile title is
escaped, and last year's report is found by the body's name.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from ogi_report.audit.batch import FINDINGS_COLUMNS, collect, pair, unique_names
from ogi_report.audit.model import PublishedReport
from ogi_report.cli import main

FIXTURES = Path(__file__).parent / "audit_fixtures"
CORPUS = FIXTURES / "corpus"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("trs-gbk-2021.html", "zoom-split-2023.html", "zoom-blanks-2024.html", "word-customary-2017.docx"):
        shutil.copy(CORPUS / name, pages / name)
    shutil.copy(FIXTURES / "handmade" / "county-trs-2022.html", pages / "county-trs-2022.html")
    (pages / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (pages / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 old word file")
    (pages / "notes.txt").write_text("not a report", encoding="utf-8")
    hostile = (CORPUS / "trs-gbk-2021.html").read_bytes().replace(
        "示例街道".encode("gb18030"), "<script>alert(1)</script>街道".encode("gb18030"))
    (pages / "hostile.html").write_bytes(hostile)
    return pages


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_audit_a_folder(folder, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["audit", str(folder), "--out", str(out), "--jobs", "2"]) == 0
    said = capsys.readouterr()
    assert "读取 [" in said.err and "8/8" in said.err  # the progress line
    assert "跳过 1 个" in said.out
    # findings.csv: UTF-8 with BOM, the documented columns, every report, all four states possible.
    raw = (out / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    found = rows(out / "findings.csv")
    assert tuple(found[0]) == FINDINGS_COLUMNS
    reports = {r["report"] for r in found}
    assert reports == {"broken.pdf", "county-trs-2022.html", "hostile.html", "old.doc", "trs-gbk-2021.html",
                       "word-customary-2017.docx", "zoom-blanks-2024.html", "zoom-split-2023.html"}
    # An unreadable file is one finding about it; the batch went on.
    for name in ("broken.pdf", "old.doc"):
        [about] = [r for r in found if r["report"] == name]
        assert (about["rule"], about["state"]) == ("读取", "不通过") and name in about["detail"]
    # The hand-made county report breaks O1 in its 自然人 column.
    assert any(r["report"] == "county-trs-2022.html" and r["rule"] == "O1" and r["state"] == "不通过"
               and r["column"] == "自然人" for r in found)
    # 2024 was paired with 2023 by the body's name: I5 judged, not 无法判断.
    i5 = {r["state"] for r in found if r["report"] == "zoom-blanks-2024.html" and r["rule"] == "I5"}
    assert "通过" in i5
    # figures.csv per readable input, our layout, a blank cell as an empty value.
    figures = rows(out / "zoom-blanks-2024.html" / "figures.csv")
    expected = rows(CORPUS / "zoom-blanks-2024.expected.csv")
    assert figures == expected
    assert not (out / "broken.pdf").exists()


def test_outputs_are_deterministic(folder, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["audit", str(folder), "--out", str(first), "--jobs", "1"]) == 0
    assert main(["audit", str(folder), "--out", str(second), "--jobs", "2"]) == 0
    for name in ("findings.csv", "audit.html", "zoom-split-2023.html/figures.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_audit_html_escapes_and_links(folder, tmp_path):
    out = tmp_path / "out"
    assert main(["audit", str(folder), "--out", str(out)]) == 0
    page = (out / "audit.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert page.count("<script>") == 1  # only the page's own sorting script
    assert 'lang="zh-CN"' in page and "http" not in page.replace("http-equiv", "")  # offline
    # Each matrix cell links to its findings, and the target exists.
    assert 'href="#r2-O1"' in page and 'id="r2-O1"' in page


def test_previous_reports_given_apart(tmp_path):
    this, last = tmp_path / "2024", tmp_path / "2023"
    this.mkdir()
    last.mkdir()
    shutil.copy(CORPUS / "zoom-blanks-2024.html", this)
    shutil.copy(CORPUS / "zoom-split-2023.html", last)
    out = tmp_path / "out"
    assert main(["audit", str(this), "--previous", str(last), "--out", str(out)]) == 0
    found = rows(out / "findings.csv")
    assert {r["report"] for r in found} == {"zoom-blanks-2024.html"}  # last year's is not audited itself
    c5 = [r for r in found if r["rule"] == "C5"]
    assert c5 and all("zoom-split-2023.html" in r["detail"] for r in c5 if r["state"] != "不适用")


def test_a_missing_path_is_an_error(tmp_path, capsys):
    assert main(["audit", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 1
    assert "找不到" in capsys.readouterr().err


def test_pairing_by_body_name_and_year():
    a23 = PublishedReport(source="a23", agency="示例 街道", year=2023)
    a24 = PublishedReport(source="a24", agency="示例街道", year=2024)
    b24 = PublishedReport(source="b24", agency="另一个局", year=2024)
    unknown = PublishedReport(source="u", agency="", year=2024)
    assert pair([a24, b24, unknown], [a23, a24, b24], None) == [a23, None, None]
    # Without a body name in the title: the file's name without its year.
    old = PublishedReport(source="上一年/民政局2023.html", year=2023)
    new = PublishedReport(source="民政局2024年.html", year=2024)
    assert pair([new], [old], None) == [old]


def test_collect_and_unique_names(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    for folder in ("x", "y"):
        (tmp_path / folder / "报告.html").write_text("<p>1</p>", encoding="utf-8")
    (tmp_path / "x" / "logo.png").write_bytes(b"png")
    files, skipped = collect([tmp_path])
    assert [p.parent.name for p in files] == ["x", "y"] and [p.name for p in skipped] == ["logo.png"]
    assert unique_names(files) == ["报告.html", "报告 (2).html"]


def test_findings_csv_never_holds_a_formula(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "=HYPERLINK(1).pdf").write_bytes(b"not a pdf")
    out = tmp_path / "out"
    assert main(["audit", str(folder), "--out", str(out)]) == 0
    [row] = rows(out / "findings.csv")
    assert row["report"] == "'=HYPERLINK(1).pdf" and not row["detail"].startswith("=")


def test_an_error_while_checking_one_report_is_a_finding(monkeypatch):
    from ogi_report.audit import batch

    def broken(*args):
        raise KeyError("x")

    monkeypatch.setattr(batch, "audit", broken)
    [finding] = batch._audit((PublishedReport(source="a.html"), None, None))
    assert (finding.report, finding.rule, finding.state) == ("a.html", "读取", "无法判断")
    assert "KeyError" in finding.detail


def test_any_error_while_reading_one_file_is_a_finding(monkeypatch, tmp_path):
    from ogi_report.audit import batch

    def broken(path):
        raise TypeError("pdf library bug")

    monkeypatch.setattr(batch, "read_report", broken)
    assert batch._read(tmp_path / "x.pdf") == "x.pdf：无法读取（TypeError）"


def test_an_unwritable_output_folder_is_said_in_chinese(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    shutil.copy(CORPUS / "trs-gbk-2021.html", tmp_path / "in")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["audit", str(tmp_path / "in"), "--out", str(tmp_path / "file" / "out")]) == 1
    assert "无法写入输出文件夹" in capsys.readouterr().err
