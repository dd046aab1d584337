"""Which ledger rows each figure of a report's tables counts: the trace a reviewer follows from 予以公开 22
to its 22 requests, and what names the rows responsible when a published figure changes.

The rows come from `figures.counted_rows`, i.e. from the very tallies the figures are summed from; this
module only matches them to the tables' cells (table, row, column, as in figures.csv) and describes each
row with the ledger's own column names. It reads no file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .figures import Counted, counted_rows, wan_yuan
from .ledgers import LEDGERS
from .narrative import format_number
from .rows_snapshot import ADDS, LEDGER, ROW
from .tables import Record, Table


@dataclass(frozen=True)
class FigureRows:
    """One figure of the tables and the ledger rows it counts."""

    table: str
    row: str
    column: str
    value: float
    measure: str
    rows: pd.DataFrame  # 台账, 行号 (as Excel shows it), the ledger's columns, 计入 (what the row adds)
    stated: tuple[str, ...] = ()  # report.yaml keys, for a figure stated there rather than counted
    amount: bool = False  # 计入 in 元, the figure in 万元

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)

    @property
    def total(self) -> float:
        """The figure as its rows add up (万元 for an amount): equals `value` by construction."""
        added = float(self.rows[ADDS].sum()) if len(self.rows) else 0.0
        return wan_yuan(added) if self.amount else added


def ledger_view(stem: str, ledger: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """A typed ledger shown as its file: the contract's Chinese column names, dates as YYYY-MM-DD, blanks
    as empty text, channels joined with 、, and 行号 as Excel numbers rows."""
    spec = LEDGERS[stem]
    view = pd.DataFrame({LEDGER: source or f"{stem}（{spec.title}）", ROW: ledger["_row"].to_numpy()},
                        index=ledger.index)
    for col in spec.columns:
        if col.kind == "channels":
            prefix = f"{col.name}."
            names = [c.removeprefix(prefix) for c in ledger.columns if c.startswith(prefix)]
            view[col.header] = ["、".join(n for n, on in zip(names, flags, strict=True) if on)
                                for flags in ledger[[prefix + n for n in names]].itertuples(index=False)]
        elif col.name not in ledger:
            continue
        elif col.kind == "date":
            view[col.header] = ledger[col.name].dt.strftime("%Y-%m-%d").fillna("")
        elif col.kind in ("count", "amount"):
            view[col.header] = [format_number(v) for v in ledger[col.name]]
        else:
            view[col.header] = ledger[col.name].astype(object).fillna("").astype(str)
    return view.reset_index(drop=True)


def _rows(parts: list[Counted], views: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = []
    for part in parts:
        if len(part.positions):
            frame = views[part.ledger].iloc[part.positions].copy()
            frame[ADDS] = part.addends
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[LEDGER, ROW, ADDS])
    return pd.concat(frames, ignore_index=True)


def figure_rows(ledgers: dict[str, pd.DataFrame], year: int, tables: Iterable[Table],
                sources: dict[str, str | None] | None = None) -> list[FigureRows]:
    """For every figure of `tables` (computed for `year` from `ledgers`), in table order, the ledger rows
    it counts. `sources` (ledger stem → file name) names the files in the 台账 column."""
    records: list[Record] = [r for t in tables for r in t.records]
    provenance = counted_rows(ledgers, year, [r.measure for r in records])
    used = {c.ledger for r in records for c in provenance.counted.get(r.measure, ())}
    views = {stem: ledger_view(stem, ledgers[stem], (sources or {}).get(stem)) for stem in sorted(used)}
    out = []
    for r in records:
        parts = provenance.counted.get(r.measure, [])
        rows = _rows(parts, views)
        if len(rows):
            rows = rows.sort_values([LEDGER, ROW], kind="stable").reset_index(drop=True)
        out.append(FigureRows(r.table, r.row, r.column, r.value, r.measure, rows,
                              provenance.stated.get(r.measure, ()), any(p.amount for p in parts)))
    return out


__all__ = ["ADDS", "LEDGER", "ROW", "FigureRows", "figure_rows", "ledger_view"]
