"""The ledger rows behind each figure, kept beside figures.csv when a report is built (Report.save_figures),
and what a later build says when it would change a published figure: the rows newly counted, no longer
counted, or counting another amount. Light on purpose: the build process reads it without pandas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .provenance import FigureRows

LEDGER = "台账"
ROW = "行号"
ADDS = "计入"
SNAPSHOT = ".figure-rows.json"
# Above this many ledger rows a build does not trace every figure to its rows (about 5 µs a row to trace and
# write, and ~50 bytes a row on disk: 1.2 million rows cost 6.6 s and 65 MB); the snapshot says so instead.
MAX_TRACED_ROWS = 50_000


def snapshot(traced: list[FigureRows]) -> str:
    """The trace as JSON text: per figure its value and rows, each row as the ledger shows it."""
    from .narrative import format_number

    def text(value) -> str:
        return format_number(value) if isinstance(value, float) else str(value)

    return json.dumps([{"表": f.table, "行": f.row, "列": f.column, "数值": f.value,
                        "台账行": [{k: text(v) for k, v in row.items()} for row in f.rows.to_dict("records")]}
                       for f in traced], ensure_ascii=False, separators=(",", ":")) + "\n"


def untraced(rows: int) -> str:
    """The snapshot of a report whose ledgers are too large to trace at every build."""
    return json.dumps({"台账记录数": rows, "逐行记录上限": MAX_TRACED_ROWS}, ensure_ascii=False) + "\n"


def read_snapshot(path: Path) -> dict[tuple[str, str, str], list[dict[str, str]]]:
    """A snapshot's rows per figure; {} when it is missing, unreadable (an older build wrote none) or
    untraced (ledgers too large)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(found, dict):
            return {}
        return {(f["表"], f["行"], f["列"]): f["台账行"] for f in found}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def changed_rows(before: list[dict[str, str]], after: list[dict[str, str]]) -> list[tuple[str, dict[str, str]]]:
    """The rows behind a figure's change between two snapshots of it, as (新计入 | 不再计入 | 计入改变, row).
    A row is the same row when the columns both snapshots have agree, wherever it sits (a row inserted
    above it, or a column added to the ledger, changes nothing it counts); failing that, the row at the
    same place in the same ledger is the same row edited, which matters only if what it adds changed."""
    shared = set().union(*before, *after) - {ROW}
    for row in [*before, *after]:
        shared &= row.keys()

    def identity(row: dict[str, str]) -> tuple:
        return tuple(sorted((k, row[k]) for k in shared))

    def place(row: dict[str, str]) -> tuple[str, str]:
        return row.get(LEDGER, ""), row.get(ROW, "")

    old, new = {identity(r) for r in before}, {identity(r) for r in after}
    gone = {place(r): r for r in before if identity(r) not in new}
    came = [r for r in after if identity(r) not in old]
    out = []
    for row in came:
        edited = gone.pop(place(row), None)
        if edited is None:
            out.append(("新计入", row))
        elif edited.get(ADDS) != row.get(ADDS):
            out.append(("计入改变", {**row, ADDS: f"{edited.get(ADDS)} → {row.get(ADDS)}"}))
    return out + [("不再计入", r) for r in gone.values()]


def describe_row(row: dict[str, str], columns: int = 4) -> str:
    """`requests.csv 第98行（编号：YSQ2021-004，收到日期：…）`: the file, the row and its first filled columns."""
    filled = [f"{k}：{v}" for k, v in row.items() if k not in (LEDGER, ROW, ADDS) and v][:columns]
    if "→" in row.get(ADDS, ""):
        filled.append(f"计入：{row[ADDS]}")
    where = f"{row.get(LEDGER, '')} 第{row.get(ROW, '?')}行"
    return f"{where}（{'，'.join(filled)}）" if filled else where
