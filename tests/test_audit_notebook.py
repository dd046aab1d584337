"""notebooks/audit.ipynb run end to end by papermill (as `nox -s audit -- FOLDER` runs it) and exported
by nbconvert: the office's summary page, the executed notebook and the audit's own outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ogi_report.audit.notebook import NOTEBOOK, main

from .conftest import ROOT

CORPUS = Path(__file__).parent / "audit_fixtures" / "corpus"
pytestmark = pytest.mark.slow


def test_the_notebook_is_the_package_copy():
    linked = ROOT / "notebooks" / "audit.ipynb"
    assert linked.is_symlink() and linked.resolve() == ROOT / "src" / "ogi_report" / "notebooks" / "audit.ipynb"
    assert NOTEBOOK.read_bytes() == linked.read_bytes()  # the installed copy (CI installs it) is that file


def test_the_notebook_is_stored_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert any("parameters" in c["metadata"].get("tags", ()) for c in code)


def test_summary_of_a_folder(tmp_path, capsys):
    folder = tmp_path / "报告"
    folder.mkdir()
    for name in ("zoom-split-2023.html", "zoom-blanks-2024.html", "trs-gbk-2021.html"):
        shutil.copy(CORPUS / name, folder)
    broken = (CORPUS / "trs-gbk-2021.html").read_bytes().replace(b"</title>", b"<script>x()</script></title>")
    (folder / "<i>hostile.html").write_bytes(broken)
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 no text layer")
    out = tmp_path / "out"
    assert main([str(folder), "--out", str(out), "--year", "2024"]) == 0
    page = (out / "audit-summary.html").read_text(encoding="utf-8")
    assert "政府信息公开工作年度报告审核汇总" in page and "共审核 5 份报告" in page
    assert "各规则的结果" in page and "问题最多的 20 份报告" in page
    assert page.count("data:image/png;base64,") == 2  # the two charts, embedded: the page is offline
    assert "<i>hostile" not in page and "&lt;i&gt;hostile" in page
    assert "<script" not in page and "summary.audit_folder" not in page  # no code in the export
    assert "查看一份报告" not in page and "本笔记本审核" not in page  # the instructions for JupyterLab stay there
    # The executed notebook keeps no absolute path of the office's machine.
    executed = (out / "audit.ipynb").read_text(encoding="utf-8")
    assert str(tmp_path) not in executed
    assert (out / "findings.csv").is_file() and (out / "audit.html").is_file()
    assert (out / "zoom-blanks-2024.html" / "figures.csv").is_file()
    assert "审核汇总" in capsys.readouterr().out


def test_an_empty_folder_is_said_in_chinese(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == 1
    assert "没有可审核的报告文件" in capsys.readouterr().err
