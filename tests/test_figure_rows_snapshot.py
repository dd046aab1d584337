"""The rows snapshot kept beside figures.csv, and what a later build says about a published figure's
change: the ledger rows newly counted, no longer counted, or counted for another amount."""

from __future__ import annotations

import json

import pytest

from ogi_report.ledgers import load_agency_data
from ogi_report.report import Report
from ogi_report.rows_snapshot import SNAPSHOT, changed_rows, describe_row, read_snapshot

from .conftest import ROOT


def row(n: int, title: str, adds: str = "1", **more: str) -> dict[str, str]:
    return {"台账": "requests.csv", "行号": str(n), "编号": title, **more, "计入": adds}


def test_rows_moved_down_or_a_column_added_are_not_changes():
    before = [row(2, "A"), row(3, "B")]
    after = [row(3, "A", 备注=""), row(4, "B", 备注="补")]  # a row inserted above; a column added
    assert changed_rows(before, after) == []


def test_new_gone_and_recounted_rows():
    before = [row(2, "A"), row(3, "B", "100"), row(4, "C")]
    after = [row(2, "A"), row(3, "B2", "250"), row(5, "D")]
    assert changed_rows(before, after) == [
        ("计入改变", row(3, "B2", "100 → 250")),  # the same place, edited: what it adds changed
        ("新计入", row(5, "D")),
        ("不再计入", row(4, "C")),
    ]
    assert describe_row(changed_rows(before, after)[0][1]) == "requests.csv 第3行（编号：B2，计入：100 → 250）"


def test_an_edit_that_keeps_what_a_row_adds_is_not_named():
    assert changed_rows([row(3, "A", 渠道="网站、公开栏")], [row(3, "A", 渠道="网站")]) == []


def test_save_figures_writes_every_figure_with_its_rows(tmp_path):
    report = Report(load_agency_data(ROOT / "data" / "example", 2023))
    report.save_figures(tmp_path)
    saved = read_snapshot(tmp_path / SNAPSHOT)
    figures = {(r.table, r.row, r.column): float(r.value) for r in report.figure_records().itertuples(index=False)}
    assert saved.keys() == figures.keys()
    values = {(f["表"], f["行"], f["列"]): f["数值"] for f in json.loads((tmp_path / SNAPSHOT).read_text("utf-8"))}
    assert values == figures
    counted = [(key, rows) for key, rows in saved.items() if rows and "万元" not in key[2]]
    assert len(counted) > 20
    for key, rows in counted:  # the rows add up to the figure
        assert sum(float(r["计入"]) for r in rows) == figures[key], key
    first = next(rows for rows in saved.values() if rows)
    assert {"台账", "行号", "计入"} <= first[0].keys() and all(isinstance(v, str) for v in first[0].values())
    again = tmp_path / "again"
    report.save_figures(again)
    assert (again / SNAPSHOT).read_bytes() == (tmp_path / SNAPSHOT).read_bytes()  # same inputs, same bytes


def test_a_missing_or_damaged_snapshot_reads_as_none(tmp_path):
    assert read_snapshot(tmp_path / SNAPSHOT) == {}
    (tmp_path / SNAPSHOT).write_text(json.dumps([{"表": 1}]), encoding="utf-8")
    assert read_snapshot(tmp_path / SNAPSHOT) == {}


def test_ledgers_too_large_to_trace_are_said_so_not_traced(tmp_path, monkeypatch):
    """A report over MAX_TRACED_ROWS ledger rows writes a small snapshot that says so; a refused
    re-publication then lists the changed figures and says why no rows are named."""
    from ogi_report import build, rows_snapshot
    from ogi_report.summary import RunSummary

    monkeypatch.setattr(rows_snapshot, "MAX_TRACED_ROWS", 100)  # data/example has thousands of rows
    Report(load_agency_data(ROOT / "data" / "example", 2023)).save_figures(tmp_path / "built")
    built = tmp_path / "built"
    assert json.loads((built / SNAPSHOT).read_text("utf-8"))["逐行记录上限"] == 100
    assert read_snapshot(built / SNAPSHOT) == {}

    published = tmp_path / "published"
    published.mkdir()
    text = (built / "figures.csv").read_text("utf-8-sig")
    first = text.splitlines()[1]
    (published / "figures.csv").write_text(text.replace(first, first.rsplit(",", 1)[0] + ",99"), "utf-8-sig")
    (published / build.STAMP).write_text("\n".join(["stamp", *build._file_hashes(published)]) + "\n")
    summary = RunSummary("某报告", "2021", published="2024-01-20")
    with pytest.raises(build.BuildError) as refused:
        build._refuse_silent_republication(summary, published, built)
    assert "已发布 99 → 现在 0" in str(refused.value)
    assert "台账记录超过 100 条，生成时不逐行记录" in str(refused.value)
