"""The newcomer's path from a wheel: build the wheel from the repository, install it in a fresh venv (no
site packages of this one), and in a temporary folder outside the repository `ogi-report init`, fill the
generated .xlsx templates with values taken from their drop-down lists, `ogi-report build`.

Speed versus proof: the venv is new and resolves every dependency from the index, as a user's would,
but pip's download and wheel cache (~/.cache/pip) is shared, so only the first run on a machine
downloads (in CI, nox has just filled it with the same packages). About 75 s on a quiet machine with a
warm cache, 55 s of it for the venv and the install. The wheel is built from a copy of pyproject.toml, README.md and src/ only, so the test
leaves no build/ or .egg-info in the checkout, and proves the wheel needs nothing else.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from ogi_report.ledgers import LEDGERS

from .conftest import ROOT

pytestmark = pytest.mark.slow

YEAR = 2021


def run(*args: str | Path, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=1800)
    if ok:
        assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv holding the project's wheel and its dependencies."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", source, cwd=tmp)
    wheel = next((tmp / "dist").glob("ogi_report-*.whl"))
    run(sys.executable, "-m", "venv", tmp / "venv", cwd=tmp)
    bin_dir = tmp / "venv" / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel, cwd=tmp)
    return bin_dir


def dropdowns(path: Path) -> dict[str, list[str]]:
    """Each column's drop-down values as Excel offers them: an inline list or a defined name's range."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = {c.column_letter: c.value for c in ws[1]}
    found = {}
    for dv in ws.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        if dv.formula1.startswith('"'):
            values = dv.formula1.strip('"').split(",")
        else:
            sheet, cells = wb.defined_names[dv.formula1].attr_text.split("!")
            values = [row[0].value for row in wb[sheet][cells.replace("$", "")]]
        found[headers[letter]] = values
    return found


def fill(path: Path, stem: str, choose: dict[str, str] | None = None) -> None:
    """Two records dated in YEAR, every enumerated cell a value of its drop-down list (the first one, or
    `choose`'s), every date (optional ones too) an Excel date."""
    lists = dropdowns(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for n in (1, 2):
        row = []
        for col in LEDGERS[stem].columns:
            if col.vocab:
                value = (choose or {}).get(col.header, lists[col.header][0])
                assert value in lists[col.header], (stem, col.header, value)
            elif col.kind == "date":  # every date, so that a result has its closing or reply date
                value = dt.datetime(YEAR, 3, n)
            elif col.kind == "key":
                value = f"{stem}-{n}"
            elif col.kind == "count":
                value = 2
            elif col.kind == "days":
                value = 0
            elif col.kind == "amount":
                value = 100.5
            else:
                value = f"第{n}条记录"
            row.append(value)
        ws.append(row)
    wb.save(path)


def test_wheel_init_fill_build_from_a_folder_outside_the_repository(installed, tmp_path):
    work = tmp_path / "我的文件夹"  # nowhere near the repository, no notebooks/ nor params/ beside it
    work.mkdir()
    ogi = installed / "ogi-report"
    run(ogi, "init", "某某镇", "--name", "某某镇人民政府", "--short", "某某镇", "--year", str(YEAR), cwd=work)
    agency = work / "某某镇"
    for stem in LEDGERS:
        assert "填写说明" in openpyxl.load_workbook(agency / f"{stem}.xlsx").sheetnames
        fill(agency / f"{stem}.xlsx", stem, {"办理结果": "予以公开"} if stem == "requests" else None)

    built = run(ogi, "build", "某某镇", "--year", str(YEAR), "--editions", "html,pdf", cwd=work)
    out = work / "outputs" / "某某镇" / str(YEAR)
    for name in ("report.html", "report.pdf", "figures.csv", "report.ipynb"):
        assert (out / name).is_file(), (name, built.stdout, built.stderr)
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    with (out / "figures.csv").open(encoding="utf-8-sig") as f:
        figures = list(csv.DictReader(f))
    # Two requests received, both 予以公开; two proactive records, each on the first channel of the list.
    received = [r for r in figures if r["row"] == "一、本年新收政府信息公开申请数量" and r["column"] == "总计"]
    assert [r["value"] for r in received] == ["2"]
    assert "某某镇2021年政府信息公开工作年度报告" in (out / "report.html").read_text(encoding="utf-8")

    # A value typed over the drop-down (Excel lets a pasted value through) is named by file, row, column.
    wb = openpyxl.load_workbook(agency / "requests.xlsx")
    ws = wb.worksheets[0]
    column = [c.value for c in ws[1]].index("申请人类型") + 1
    ws.cell(row=3, column=column, value="个人")
    wb.save(agency / "requests.xlsx")
    failed = run(ogi, "build", "某某镇", "--year", str(YEAR), cwd=work, ok=False)
    assert failed.returncode == 1
    assert "requests.xlsx 第3行 「申请人类型」列" in failed.stderr + failed.stdout
    assert (out / "report.pdf").is_file()  # the previous report is left intact
