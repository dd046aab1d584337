"""The cells each template expects, with the labels that identify them in a published table.

Built from formats/*.yaml (never retyped): a `Target` is one line of our figures.csv (table, row,
column exactly as we write them) plus the normalised words that must appear in the row's labels and in
the column's headers of a published table for a number to be that cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..formats import Format, Node, get_format
from .labels import normalise, unit_of_label

# Our format ids for published reports → the id of formats/ (customary.yaml is "2008" there).
FORMAT_IDS = {"2021": "2021", "2019": "2019", "customary": "2008"}


@dataclass(frozen=True)
class Target:
    table: str
    row: str
    column: str
    row_words: tuple[str, ...]   # each must be one of the row's labels (or inside one)
    column_words: tuple[str, ...]  # each must be one of the column's headers (or inside one)
    unit: str                    # the unit of our figures.csv value (万元 for sums of money)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.table, self.row, self.column


def _unit(fmt: Format, measure: str) -> str:
    prefixes = [p for p in fmt.units if measure == p or measure.startswith(p + ".")]
    return fmt.units[max(prefixes, key=len)] if prefixes else ""


def _words(*labels: str) -> tuple[str, ...]:
    return tuple(w for w in (normalise(label) for label in labels) if w)


def _national(fmt: Format) -> list[Target]:
    out: list[Target] = []
    for section in fmt.sections:
        if section.table == "active":
            for block in fmt.active:
                for row in block.rows:
                    for header, measure in zip(block.header[1:], row.measures, strict=True):
                        unit = unit_of_label(header) or _unit(fmt, measure)
                        out.append(Target(section.heading, row.label, header, _words(row.label), _words(header), unit))
        elif section.table == "requests":
            layout = fmt.requests
            leaves: list[tuple[Node, tuple[str, ...]]] = []
            for node in layout.rows:
                for child in node.children or (node,):
                    leaves += [(item, (child.label,)) for item in child.children] or [(child, ())]
            for leaf, parents in leaves:
                for col in layout.column_leaves():
                    out.append(Target(section.heading, leaf.key, col.label, _words(*parents, leaf.label),
                                      _words(col.label), _unit(fmt, f"{leaf.measure}.{col.key}")))
        elif section.table == "appeals":
            layout = fmt.appeals
            for group in layout.groups:
                for leaf in group.leaves():
                    path = (leaf.label,) if leaf is group else (group.label, leaf.label)
                    for label, _result in layout.columns:
                        out.append(Target(section.heading, leaf.key, label, (), _words(*path, label), "件"))
    return out


def _customary(fmt: Format) -> list[Target]:
    return [
        Target(section.heading, ind.label, "数量", _words(ind.label), (), ind.unit)
        for section in fmt.sections for ind in section.indicators
    ]


@cache
def targets(format_id: str) -> tuple[Target, ...]:
    """Every cell of our figures.csv for a template, in figures.csv order."""
    fmt = get_format(FORMAT_IDS[format_id])
    return tuple(_customary(fmt) if format_id == "customary" else _national(fmt))


@cache
def header_words() -> frozenset[str]:
    """Every normalised word that can head a column of any template's table."""
    words: set[str] = {"统计指标", "指标", "单位", "数量", "信息内容", "申请人情况", "项目", "计量单位"}
    for format_id in FORMAT_IDS:
        fmt = get_format(FORMAT_IDS[format_id])
        if fmt.requests:
            words.add(normalise(fmt.requests.caption))
            words.update(normalise(n.label) for node in fmt.requests.columns for n in _all(node))
        if fmt.appeals:
            words.update(normalise(n.label) for node in fmt.appeals.groups for n in _all(node))
            words.update(normalise(label) for label, _ in fmt.appeals.columns)
        for block in fmt.active:
            words.update(normalise(h) for h in block.header)
    return frozenset(words)


def _all(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children:
        yield from _all(child)
