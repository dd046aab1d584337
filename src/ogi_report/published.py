"""figures.csv read back, without pandas: the build compares this year's with last year's (I5) after
the notebook has run, in a process that never loads a ledger.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from .formats import Format
from .narrative import format_number
from .problems import Problem

CARRIED_IN, CARRIED_OUT = "requests.carried_in", "requests.carried_out"


class UnreadableFigures(ValueError):
    """A figures.csv (re-saved by Excel, edited by hand) whose needed values cannot be read."""


def _text(figures_csv: Path) -> str:
    raw = figures_csv.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows re-saves it as GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFigures(f"{figures_csv.name} 既不是 UTF-8 也不是 GBK 编码")


def row_values(figures_csv: Path, row: str) -> dict[str, float]:
    """One row of a figures.csv as {column label: value}; UnreadableFigures when a value of it is not a
    number (a blank is not 0)."""
    values = {}
    for number, record in enumerate(csv.DictReader(io.StringIO(_text(figures_csv), newline="")), start=2):
        if record.get("row") != row:
            continue
        text = (record.get("value") or "").strip()
        try:
            values[record.get("column") or ""] = float(text)
        except ValueError:
            column = record.get("column")
            raise UnreadableFigures(f"{figures_csv.name} 第{number}行「{column}」的值“{text}”不是数字") from None
    return values


def carried_in(fmt: Format, figures_csv: Path) -> dict[str, float]:
    """This year's 上年结转 row, by column label, as a report published it."""
    return row_values(figures_csv, fmt.requests.row_label(CARRIED_IN)) if fmt.requests else {}


def i5_published(fmt: Format, carried: Mapping[str, float], previous_csv: Path) -> list[Problem]:
    """I5 against last year's *published* figures.csv: catches ledgers edited after that report came out.

    `carried` is this year's 上年结转 by column label."""
    if fmt.requests is None or not previous_csv.is_file():
        return []
    try:
        published = row_values(previous_csv, fmt.requests.row_label(CARRIED_OUT))
    except UnreadableFigures as exc:
        return [Problem(f"无法读取上一年已发布报告的结转数（{previous_csv.parent.name}/{exc}），未能核对；"
                        "figures.csv 由程序生成，请不要用 Excel 另存或手工修改，重新生成上一年的报告即可恢复",
                        rule="I5", warning=True)]
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


def cells(figures_csv: Path) -> dict[tuple[str, str, str], str]:
    """Every value of a figures.csv by (table, row, column), as written; also when Excel re-saved it as GBK."""
    return {(r.get("table") or "", r.get("row") or "", r.get("column") or ""): (r.get("value") or "").strip()
            for r in csv.DictReader(io.StringIO(_text(figures_csv), newline=""))}
