"""Which header cells a table's data cells belong to, through merged cells: one rule for the HTML
(`scope` and `headers`/`id`) and the tagged PDF (`/Scope` and `/Headers`, pdf_fixes.py).

A header cell is a row header when a data cell shares one of its rows (the 办理结果 labels, the
indicator names), otherwise a column header (the 申请人情况 rows, the 第二十条 captions). A data cell's
row headers are the row headers left of it in its rows; its column headers are those of the nearest run
of all-header rows above it (a table may restart its headers part-way, as the 主动公开 table does).
"""

from __future__ import annotations

from dataclasses import dataclass

Position = tuple[int, int]  # (row index, index of the cell within its row), as the cells are written


@dataclass(frozen=True)
class GridCell:
    header: bool
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Association:
    scopes: dict[Position, str]  # header cell → "row" or "col"
    headers: dict[Position, list[Position]]  # data cell → its header cells, row headers first
    places: dict[Position, tuple[int, int]]  # cell → (grid row, grid column) of its top left slot


def associate(rows: list[list[GridCell]]) -> Association:
    """Scopes of the header cells and the headers of the data cells of a table given row by row."""
    grid: dict[tuple[int, int], Position] = {}  # (grid row, grid column) → the cell covering it
    places: dict[Position, tuple[int, int]] = {}
    for i, row in enumerate(rows):
        column = 0
        for k, cell in enumerate(row):
            while (i, column) in grid:  # slots taken by rowspans from above
                column += 1
            places[(i, k)] = (i, column)
            for r in range(i, i + max(cell.rowspan, 1)):
                for c in range(column, column + max(cell.colspan, 1)):
                    grid[(r, c)] = (i, k)
            column += max(cell.colspan, 1)

    def cell(p: Position) -> GridCell:
        return rows[p[0]][p[1]]

    height = max((r for r, _ in grid), default=-1) + 1
    width = max((c for _, c in grid), default=-1) + 1
    has_data = [any((r, c) in grid and not cell(grid[(r, c)]).header for c in range(width)) for r in range(height)]
    scopes = {}
    for p, (r0, _) in places.items():
        if cell(p).header:
            spanned = range(r0, min(r0 + cell(p).rowspan, height))
            scopes[p] = "row" if any(has_data[r] for r in spanned) else "col"

    headers: dict[Position, list[Position]] = {}
    for p, (r0, c0) in places.items():
        if cell(p).header:
            continue
        found: list[Position] = []
        spanned_rows = range(r0, r0 + cell(p).rowspan)
        spanned_cols = range(c0, c0 + cell(p).colspan)
        for r in spanned_rows:
            for c in range(c0):
                h = grid.get((r, c))
                if h is not None and scopes.get(h) == "row" and h not in found:
                    found.append(h)
        above: list[Position] = []
        r = r0 - 1
        while r >= 0 and has_data[r]:  # up to the headers of this part of the table
            r -= 1
        while r >= 0 and not has_data[r]:
            for c in reversed(spanned_cols):
                h = grid.get((r, c))
                if h is not None and scopes.get(h) == "col" and h not in above:
                    above.append(h)
            r -= 1
        headers[p] = found + above[::-1]  # column headers from the top down
    return Association(scopes, headers, places)
