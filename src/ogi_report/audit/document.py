"""What every reader makes of a file before it is interpreted: paragraphs and table grids in reading order.

A `Grid` is a table with its row and column spans expanded: each position holds the text of the cell
that covers it and that cell's origin, so a number spanning three columns is still one number. Spans
and sizes are capped: the files come from other bodies' websites.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .labels import table_unit

MAX_COLSPAN = 100         # HTML itself caps colspan at 1000; no report table is wider than ~20 columns
MAX_ROWSPAN = 1000
MAX_TABLE_CELLS = 20_000  # the largest official table has ~250 cells
MAX_DOCUMENT_CELLS = 200_000


class TooLarge(ValueError):
    """A table or document beyond the caps: read as a problem, never expanded."""


@dataclass(frozen=True)
class Slot:
    text: str
    origin: tuple[int, int]  # (row, column) of the cell that covers this position


@dataclass
class Grid:
    where: str                 # "第2个表格", for findings
    rows: list[list[Slot]]
    unit: str | None = None    # the unit the paragraph just above states for the table ("（单位：元）")

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class Placed:
    """A cell at its position in the grid, as a PDF table gives it."""

    row: int
    column: int
    rowspan: int
    colspan: int
    text: str


def from_placed(cells: list[Placed], where: str) -> Grid:
    """A grid from cells with explicit positions; positions no cell covers are empty."""
    height = max((c.row + c.rowspan for c in cells), default=0)
    width = max((c.column + c.colspan for c in cells), default=0)
    if height * width > MAX_TABLE_CELLS:
        raise TooLarge(f"{where}有{height}行{width}列，超过读取上限（{MAX_TABLE_CELLS}个单元格）")
    rows = [[Slot("", (r, c)) for c in range(width)] for r in range(height)]
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.column, cell.column + cell.colspan):
                rows[r][c] = Slot(cell.text, (cell.row, cell.column))
    return Grid(where, rows)


def expand(rows: list[list[tuple[str, int, int]]], where: str) -> tuple[Grid, list[str]]:
    """The HTML / Word table algorithm: each row's cells (text, rowspan, colspan) fill the next free
    positions, skipping those covered by a rowspan from above. Returns the grid and the caps applied."""
    problems: list[str] = []
    taken: dict[tuple[int, int], Slot] = {}
    height = len(rows)
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        for text, rowspan, colspan in cells:
            if colspan > MAX_COLSPAN or rowspan > MAX_ROWSPAN:
                problems.append(f"{where}第{r + 1}行有跨{max(colspan, rowspan)}行/列的单元格，已按1计")
                colspan = colspan if colspan <= MAX_COLSPAN else 1
                rowspan = rowspan if rowspan <= MAX_ROWSPAN else 1
            while (r, c) in taken:
                c += 1
            rowspan = min(max(rowspan, 1), height - r)  # rowspan=0 or too long: to the table's end
            colspan = max(colspan, 1)
            if len(taken) + rowspan * colspan > MAX_TABLE_CELLS:
                raise TooLarge(f"{where}超过读取上限（{MAX_TABLE_CELLS}个单元格）")
            slot = Slot(text, (r, c))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, c + dc)] = slot
            c += colspan
            width = max(width, c)
    grid = [[taken.get((r, c), Slot("", (r, c))) for c in range(width)] for r in range(height)]
    return Grid(where, grid), problems


@dataclass
class Document:
    """A file as read: paragraphs (str) and grids in reading order, plus what the page says about itself."""

    source: str
    blocks: list[str | Grid] = field(default_factory=list)
    title_hints: list[str] = field(default_factory=list)  # strongest first: page meta, <h1>, <title>
    date_hints: list[str] = field(default_factory=list)   # page meta and "发布日期：…" texts
    problems: list[str] = field(default_factory=list)
    more_pages: bool = False  # the page links to other pages of the same article ("下一页", "上一页")

    cells: int = 0  # table cells read so far, against MAX_DOCUMENT_CELLS

    def add_grid(self, grid: Grid) -> None:
        """Keep a table, unless the document's tables together pass the cap (then a problem, once)."""
        size = len(grid.rows) * grid.width
        if self.cells + size > MAX_DOCUMENT_CELLS:
            if self.cells <= MAX_DOCUMENT_CELLS:
                self.problems.append(f"{grid.where}起的表格超过全文读取上限（{MAX_DOCUMENT_CELLS}个单元格），未读取")
            self.cells = MAX_DOCUMENT_CELLS + 1
            return
        self.cells += size
        if self.blocks and isinstance(self.blocks[-1], str):
            grid.unit = table_unit(self.blocks[-1])
        self.blocks.append(grid)

    @property
    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]
