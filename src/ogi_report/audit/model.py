"""What a reader makes of one published report: the interface between the readers and the rules.

Readers (HTML, .docx, PDF) fill a `PublishedReport`; the rules never look at the file itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Texts that mean "not filled": kept as such, never read as 0.
NOT_FILLED = ("", "/", "／", "-", "－", "—", "——", "–", "无", "不适用", "空")


@dataclass(frozen=True)
class PublishedCell:
    """One figure cell of a published table, under the labels of our own figures.csv.

    `value` is None when the cell was not filled (`text` then says how it was written: blank, "/", "无"…).
    `where` says where it was found, for the reader of a finding ("第2个表格 第5行 第4列").
    """

    table: str
    row: str
    column: str
    value: float | None
    text: str
    where: str


@dataclass(frozen=True)
class Unrecognised:
    """A table, row or column the reader could not map onto the template: never dropped silently."""

    where: str
    text: str


@dataclass
class PublishedReport:
    """A published annual report as read from its file."""

    source: str                      # the input's file name, extension included
    title: str = ""
    agency: str = ""                 # the body's name, from the title ("…关于2023年政府信息公开工作年度报告")
    year: int | None = None          # the report's year, from the title or text
    published: str | None = None     # 发布日期 as ISO date, when the page or text states one
    format_id: str | None = None     # "2021", "2019" or "customary", recognised from the labels
    #                                  (layout.FORMAT_IDS maps them onto the ids of formats/: customary → 2008)
    text: str = ""                   # the whole body text, tables excluded, paragraphs joined by "\n"
    #                                  (as written: full-width digits and punctuation are kept)
    sections: dict[str, str] = field(default_factory=dict)   # part heading (一、总体情况…) → its prose
    #                                  (the template's heading when the one found matches it, else as found)
    headings: list[str] = field(default_factory=list)        # the part headings as written, in order
    cells: list[PublishedCell] = field(default_factory=list)
    # Cells of the recognised template that the report does not have at all (not the same as not filled).
    missing: list[tuple[str, str, str]] = field(default_factory=list)
    unrecognised: list[Unrecognised] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)        # reading problems (size caps, broken file…)
    more_pages: bool = False         # a web page cut into pages by its CMS ("下一页"): only this page was read

    def value(self, table: str, row: str, column: str) -> float | None:
        """The cell's number; None when it is not filled or not in the report."""
        for cell in self.cells:
            if (cell.table, cell.row, cell.column) == (table, row, column):
                return cell.value
        return None

    def cell(self, table: str, row: str, column: str) -> PublishedCell | None:
        for cell in self.cells:
            if (cell.table, cell.row, cell.column) == (table, row, column):
                return cell
        return None
