"""figures.csv read back, without pandas: the build compares this year's with last year's (I5) after
the notebook has run, in a process that never loads a ledger.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from .formats import Format
from .narrative import format_number
from .problems import Problem

CARRIED_IN, CARRIED_OUT = "requests.carried_in", "requests.carried_out"


def row_values(figures_csv: Path, row: str) -> dict[str, float]:
    """One row of a figures.csv as {column label: value}."""
    with figures_csv.open(encoding="utf-8-sig", newline="") as f:
        return {r["column"]: float(r["value"]) for r in csv.DictReader(f) if r["row"] == row}


def carried_in(fmt: Format, figures_csv: Path) -> dict[str, float]:
    """This year's 上年结转 row, by column label, as a report published it."""
    return row_values(figures_csv, fmt.requests.row_label(CARRIED_IN)) if fmt.requests else {}


def i5_published(fmt: Format, carried: Mapping[str, float], previous_csv: Path) -> list[Problem]:
    """I5 against last year's *published* figures.csv: catches ledgers edited after that report came out.

    `carried` is this year's 上年结转 by column label."""
    if fmt.requests is None or not previous_csv.is_file():
        return []
    published = row_values(previous_csv, fmt.requests.row_label(CARRIED_OUT))
    problems = []
    for label, now in carried.items():
        if label in published and abs(now - published[label]) > 1e-9:
            problems.append(Problem(
                f"「{label}」列：本年上年结转（{format_number(now)}）不等于上一年已发布报告"
                f"（{previous_csv.parent.name}/figures.csv）的结转下年度继续办理（{format_number(published[label])}）；"
                "上一年的申请台账在报告发布后被修改过", rule="I5"))
    return problems


def _cells(figures_csv: Path) -> dict[tuple[str, str, str], str]:
    with figures_csv.open(encoding="utf-8-sig", newline="") as f:
        return {(r["table"], r["row"], r["column"]): r["value"] for r in csv.DictReader(f)}


def changed_figures(before_csv: Path, after_csv: Path) -> list[tuple[tuple[str, str, str], str, str]]:
    """Each cell whose value differs between two figures.csv: ((table, row, column), before, after);
    a cell present in only one of them shows as "（无）" on the other side."""
    before, after = _cells(before_csv), _cells(after_csv)
    return [(key, before.get(key, "（无）"), after.get(key, "（无）"))
            for key in sorted(before.keys() | after.keys()) if before.get(key) != after.get(key)]
