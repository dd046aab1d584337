"""The report's tables as grids of cells, built from a format's layout and the computed figures.

One walk over a layout yields both the cells to render (with their official rowspans and colspans)
and the `figures.csv` records, so the two cannot disagree. Rendering to HTML escapes every text.
This module does not compute figures; it looks them up by measure name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import jinja2
import pandas as pd

from .figures import Figures, in_year
from .formats import Format, Node, Section
from .narrative import format_number
from .table_headers import GridCell, associate


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"  # head | label | number | caption | note
    level: int = 0


@dataclass(frozen=True)
class Record:
    """One line of figures.csv."""

    table: str
    row: str
    column: str
    value: float
    measure: str = ""  # the figure's name in figures.py, for tracing it to its ledger rows


@dataclass
class Table:
    title: str
    css: str
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # <col> classes, for widths

    def number(self, figures: Figures, measure: str, row: str, column: str, colspan: int = 1) -> Cell:
        value = figures[measure]
        self.records.append(Record(self.title, row, column, value, measure))
        return Cell(format_number(value), colspan=colspan, kind="number")

    def html(self) -> str:
        rows = self.marked()
        return TEMPLATES.get_template("table.html.j2").render(table=self, head=rows[:len(self.head)],
                                                              body=rows[len(self.head):])

    def marked(self) -> list[list[Marked]]:
        """Every row's cells with their tag and accessibility attributes (table_headers.py): a label in a
        row of numbers is that row's header (th), so a screen reader reads each number with its labels."""
        rows = self.head + self.body
        tags = [["th" if (i < len(self.head) or cell.kind not in ("number", "label")
                          or (cell.kind == "label" and any(c.kind == "number" for c in row))) else "td"
                 for cell in row] for i, row in enumerate(rows)]
        found = associate([[GridCell(tag == "th", c.rowspan, c.colspan) for c, tag in zip(row, row_tags, strict=True)]
                           for row, row_tags in zip(rows, tags, strict=True)])
        prefix = "h" + hashlib.sha256(f"{self.css}\n{self.title}".encode()).hexdigest()[:8]

        def ident(p: tuple[int, int]) -> str:
            return f"{prefix}-{p[0]}-{p[1]}"

        def scope(p: tuple[int, int], cell: Cell) -> str | None:
            kind = found.scopes.get(p)
            if kind == "row":
                return "rowgroup" if cell.rowspan > 1 else "row"
            return ("colgroup" if cell.colspan > 1 else "col") if kind == "col" else None

        return [[Marked(cell, tags[i][k], ident((i, k)) if tags[i][k] == "th" else None, scope((i, k), cell),
                        " ".join(ident(h) for h in found.headers[(i, k)]) if (i, k) in found.headers else None)
                 for k, cell in enumerate(row)] for i, row in enumerate(rows)]


@dataclass(frozen=True)
class Marked:
    """A cell as written in HTML: its tag, and `id`/`scope` (headers) or `headers` (data cells)."""

    cell: Cell
    tag: str
    id: str | None
    scope: str | None
    headers: str | None


# The one Jinja environment of the report's HTML fragments; autoescape on: ledger text is untrusted.
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("ogi_report", "templates"), autoescape=True, trim_blocks=True,
    lstrip_blocks=True,
)


def indicator_table(section: Section, figures: Figures) -> Table:
    """A customary-format section's statistical indicators: 统计指标 ｜ 单位 ｜ 数量."""
    table = Table(section.heading, "ogi-indicators", columns=["label", "unit", "number"])
    table.head.append([Cell("统计指标", kind="head"), Cell("单位", kind="head"), Cell("数量", kind="head")])
    for ind in section.indicators:
        table.body.append([
            Cell(ind.label, level=ind.level),
            Cell(ind.unit),
            table.number(figures, ind.measure, ind.label, "数量"),
        ])
    return table


def active_table(fmt: Format, section: Section, figures: Figures) -> Table:
    """Table 二: stacked blocks, each a caption row, a header row and data rows, all as wide as the widest."""
    width = max(len(b.header) for b in fmt.active)
    table = Table(section.heading, "ogi-active", columns=["label"] + ["number"] * (width - 1))
    for block in fmt.active:
        table.body.append([Cell(block.caption, colspan=width, kind="caption")])
        spans = _spread(len(block.header) - 1, width - 1)
        table.body.append([Cell(block.header[0], kind="head")] + [
            Cell(h, colspan=s, kind="head") for h, s in zip(block.header[1:], spans, strict=True)
        ])
        for row in block.rows:
            cells = [Cell(row.label)]
            for header, measure, span in zip(block.header[1:], row.measures, spans, strict=True):
                cells.append(table.number(figures, measure, row.label, header, colspan=span))
            table.body.append(cells)
    return table


def _spread(count: int, width: int) -> list[int]:
    """Split `width` columns among `count` cells as evenly as possible, wider ones first."""
    base, extra = divmod(width, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _header_rows(nodes: tuple[Node, ...], depth: int) -> list[list[Cell]]:
    """Column-header rows of a tree: a parent spans its leaves; a leaf spans the rows below it."""
    rows: list[list[Cell]] = [[] for _ in range(depth)]

    def walk(node: Node, level: int) -> None:
        if node.children:
            rows[level].append(Cell(node.label, colspan=len(node.leaves()), kind="head"))
            for child in node.children:
                walk(child, level + 1)
        else:
            rows[level].append(Cell(node.label, rowspan=depth - level, kind="head"))

    for node in nodes:
        walk(node, 0)
    return rows


def requests_table(fmt: Format, section: Section, figures: Figures) -> Table:
    """Table 三: a 3-column label block (with the 勾稽 note) beside 7 applicant columns."""
    layout = fmt.requests
    columns = layout.column_leaves()
    table = Table(section.heading, "ogi-requests", columns=["vertical", "group", "item"] + ["number"] * len(columns))
    depth = 1 + max(n.depth for n in layout.columns)
    header = _header_rows(layout.columns, depth - 1)
    table.head.append([
        Cell(layout.note, rowspan=depth, colspan=3, kind="note"),
        Cell(layout.caption, colspan=len(columns), kind="head"),
    ])
    table.head.extend(header)

    def cells_for(leaf: Node) -> list[Cell]:
        return [
            table.number(figures, f"{leaf.measure}.{col.key}", leaf.key, col.label) for col in columns
        ]

    for node in layout.rows:
        if not node.children:
            table.body.append([Cell(node.label, colspan=3), *cells_for(node)])
            continue
        # 三、本年度办理结果: a vertical label over every result row; groups label their items.
        first = True
        for child in node.children:
            items = child.children or (child,)
            for i, item in enumerate(items):
                row: list[Cell] = []
                if first:
                    row.append(Cell(node.label, rowspan=len(node.leaves()), kind="vertical"))
                    first = False
                if child.children:
                    if i == 0:
                        row.append(Cell(child.label, rowspan=len(items)))
                    row.append(Cell(item.label))
                else:
                    row.append(Cell(item.label, colspan=2))
                table.body.append(row + cells_for(item))
    return table


def appeals_table(fmt: Format, section: Section, figures: Figures) -> Table:
    """Table 四: 行政复议 (5 columns) beside 行政诉讼 (two groups of 5)."""
    layout = fmt.appeals
    width = len(layout.columns)
    table = Table(section.heading, "ogi-appeals", columns=["number"] * width * len(layout.group_leaves()))
    top: list[Cell] = []
    middle: list[Cell] = []
    bottom: list[Cell] = []
    for group in layout.groups:
        top.append(Cell(group.label, colspan=width * len(group.leaves()), kind="head"))
        if group.children:
            for sub in group.children:
                middle.append(Cell(sub.label, colspan=width, kind="head"))
                bottom.extend(Cell(label, kind="head") for label, _ in layout.columns)
        else:
            # Without sub-groups the result labels span the two lower header rows.
            middle.extend(Cell(label, rowspan=2, kind="head") for label, _ in layout.columns)
    table.head.extend([top, middle, bottom])
    row: list[Cell] = []
    for leaf in layout.group_leaves():
        for label, result in layout.columns:
            row.append(table.number(figures, f"appeals.{leaf.measure}.{result}", leaf.key, label))
    table.body.append(row)
    return table


def document_list(ledger: pd.DataFrame, year: int) -> Table:
    """附：the 规范性文件 issued in `year` (文号, 标题, 印发日期, 状态); ledger text, escaped when rendered."""
    table = Table(f"附：{year}年制发的规范性文件目录", "ogi-documents", columns=["label", "item", "label", "label"])
    table.head.append([Cell(h, kind="head") for h in ("文号", "标题", "印发日期", f"截至{year}年底")])
    end = pd.Timestamp(year, 12, 31)
    rows = ledger[in_year(ledger["issued"], year)].sort_values(["issued", "number"])
    for number, title, issued, repealed in zip(rows["number"], rows["title"], rows["issued"], rows["repealed"],
                                               strict=True):
        state = "已废止" if repealed <= end else "现行有效"
        table.body.append([Cell(number), Cell(title), Cell(issued.date().isoformat()), Cell(state)])
    if not table.body:
        table.body.append([Cell("本年度未制发规范性文件", colspan=4)])
    return table


def section_table(fmt: Format, section: Section, figures: Figures) -> Table | None:
    builders = {
        "indicators": lambda: indicator_table(section, figures),
        "active": lambda: active_table(fmt, section, figures),
        "requests": lambda: requests_table(fmt, section, figures),
        "appeals": lambda: appeals_table(fmt, section, figures),
    }
    return builders[section.table]() if section.table else None
