"""The official report formats, loaded from the YAML files beside this module.

Every label a report prints, every enumerated ledger value and every table layout lives in those files;
this module only turns them into typed, immutable objects. It must not compute figures or render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files

import yaml

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")
_NOTE = re.compile(r"（[^（）]*）$")


# libyaml's parser when PyYAML was built with it: the format files are read on every run.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(name: str) -> dict:
    return yaml.load(files(__package__).joinpath(name).read_text(encoding="utf-8"), Loader=_Loader)


def strip_numbering(label: str) -> str:
    """`（二）部分公开（区分处理的…）` → `部分公开（区分处理的…）`; `1.属于国家秘密` → `属于国家秘密`."""
    return _NUMBERING.sub("", label)


def short_name(label: str) -> str:
    """A label without numbering, bracketed note or `其中：`: the name prose and figures.csv use."""
    name = _NOTE.sub("", strip_numbering(label))
    return name.removeprefix("其中：")


@dataclass(frozen=True)
class Vocabulary:
    """The allowed values of one enumerated ledger column."""

    values: tuple[str, ...]
    aliases: dict[str, str]

    def canonical(self, value: str) -> str | None:
        """The canonical spelling of `value`, or None when it is not allowed."""
        if value in self.values:
            return value
        return self.aliases.get(value)


@cache
def vocabulary() -> dict[str, Vocabulary]:
    raw = _load("vocabulary.yaml")
    return {
        key: Vocabulary(tuple(spec["values"]), dict(spec.get("aliases", {})))
        for key, spec in raw.items()
        if isinstance(spec, dict) and "values" in spec
    }


@cache
def report_facts() -> dict[str, str]:
    """report.yaml's per-year fact keys and their kind (`count` or `amount`)."""
    return dict(_load("vocabulary.yaml")["年度事实"])


def normative_category() -> str:
    """The 类别 value of proactive.csv that marks a 规范性文件."""
    return _load("vocabulary.yaml")["规范性文件类别"]


@dataclass(frozen=True)
class Indicator:
    """One statistical indicator of the customary format."""

    label: str
    unit: str
    measure: str
    level: int = 0

    @property
    def name(self) -> str:
        return short_name(self.label)


@dataclass(frozen=True)
class Node:
    """A row or column label of a national table; a node with children is a merged label."""

    label: str
    children: tuple[Node, ...] = ()
    measure: str | None = None
    key: str | None = None

    def leaves(self) -> list[Node]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    @property
    def depth(self) -> int:
        return 1 + max((c.depth for c in self.children), default=0)


@dataclass(frozen=True)
class ActiveRow:
    label: str
    measures: tuple[str, ...]


@dataclass(frozen=True)
class ActiveBlock:
    """One stacked block of table 二: caption row, header row, data rows."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[ActiveRow, ...]


@dataclass(frozen=True)
class RequestsLayout:
    """Table 三: a tree of result rows under a tree of applicant columns."""

    caption: str
    note: str
    columns: tuple[Node, ...]
    rows: tuple[Node, ...]

    def column_leaves(self) -> list[Node]:
        return [leaf for node in self.columns for leaf in node.leaves()]

    def row_leaves(self) -> list[Node]:
        return [leaf for node in self.rows for leaf in node.leaves()]

    def row_label(self, measure: str) -> str:
        return next(leaf.label for leaf in self.row_leaves() if leaf.measure == measure)


@dataclass(frozen=True)
class AppealsLayout:
    """Table 四: case groups across, result columns repeated under each group."""

    groups: tuple[Node, ...]
    columns: tuple[tuple[str, str], ...]  # (label, result)

    def group_leaves(self) -> list[Node]:
        return [leaf for node in self.groups for leaf in node.leaves()]


@dataclass(frozen=True)
class Section:
    heading: str
    table: str | None = None
    indicators: tuple[Indicator, ...] = ()
    statement: str = ""  # prose the format itself prints before the analyst's (Jinja, figures by name)

    @property
    def narrative(self) -> str:
        """The narrative file stem: the heading without its number (spec/ledgers.md)."""
        return strip_numbering(self.heading)


@dataclass(frozen=True)
class Format:
    id: str
    title: str
    deadline: tuple[int, int]  # (month, day) of the following year
    sections: tuple[Section, ...]
    parts: tuple[str, ...] = ()
    preamble: str = ""
    active: tuple[ActiveBlock, ...] = ()
    requests: RequestsLayout | None = None
    appeals: AppealsLayout | None = None
    prose_names: dict[str, str] = field(default_factory=dict)  # name → measure
    prose_ratios: dict[str, tuple[str, str]] = field(default_factory=dict)  # name → (part, whole)
    stated_figures: dict[str, str | dict[str, str]] = field(default_factory=dict)  # I7 phrase regex → name
    units: dict[str, str] = field(default_factory=dict)  # measure prefix (or figure name) → unit

    def unit(self, name: str) -> str:
        """The unit of a prose figure name (件, 条, 万元, 笔, %); empty for the years."""
        if name in self.prose_ratios:
            return "%"
        if name in self.units:
            return self.units[name]
        measure = self.prose_names.get(name, "")
        prefixes = [p for p in self.units if measure == p or measure.startswith(p + ".")]
        return self.units[max(prefixes, key=len)] if prefixes else ""

    def deadline_for(self, year: int) -> date:
        return date(year + 1, *self.deadline)

    def section(self, heading: str) -> Section:
        return next(s for s in self.sections if s.heading == heading)


FORMAT_IDS = ("2008", "2019", "2021")


def default_format_id(year: int) -> str:
    """The format a report year uses unless report.yaml names one."""
    if year <= 2018:
        return "2008"
    return "2019" if year <= 2020 else "2021"


def _result_key(label: str, group: str | None) -> str:
    name = short_name(label)
    return f"{short_name(group)}/{name}" if group else name


def _row_node(raw: str | dict, group: str | None = None) -> Node:
    """A table 三 row; result leaves get their 办理结果 key and the default measure."""
    if isinstance(raw, str):
        raw = {"label": raw}
    label = raw["label"]
    children = raw.get("children", ())
    if children:
        # Items of a numbered group (（三）不予公开) carry the group in their key; the 三、 header does not.
        inner = label if label.startswith("（") else None
        return Node(label, tuple(_row_node(c, inner) for c in children))
    key = raw.get("key") or (label if "measure" in raw else _result_key(label, group))
    measure = raw.get("measure") or f"requests.replied.{key}"
    return Node(label, (), measure, key)


def _plain_node(raw: str | dict) -> Node:
    if isinstance(raw, str):
        return Node(raw, key=raw)
    children = tuple(_plain_node(c) for c in raw.get("children", ()))
    return Node(raw["label"], children, raw.get("case_type"), raw.get("key", raw["label"]))


def _sections(raw: list[dict]) -> tuple[Section, ...]:
    return tuple(
        Section(
            s["heading"],
            s.get("table") or ("indicators" if s.get("indicators") else None),
            tuple(Indicator(**i) for i in s.get("indicators", ())),
            s.get("statement", ""),
        )
        for s in raw
    )


def _deadline(raw: str) -> tuple[int, int]:
    month, day = raw.split("-")
    return int(month), int(day)


@cache
def get_format(format_id: str) -> Format:
    if format_id == "2008":
        raw = _load("customary.yaml")
        sections = _sections(raw["sections"])
        return Format(
            id="2008",
            title=raw["title"],
            deadline=_deadline(raw["deadline"]),
            sections=sections,
            parts=tuple(raw["parts"]),
            preamble=raw["preamble"],
            prose_names={i.name: i.measure for s in sections for i in s.indicators},
            units={i.name: i.unit for s in sections for i in s.indicators},
        )
    if format_id not in FORMAT_IDS:
        raise KeyError(format_id)
    raw = _load("national.yaml")["templates"][format_id]
    req = raw["requests"]
    appeals = raw["appeals"]
    return Format(
        id=format_id,
        title=raw["title"],
        deadline=_deadline(raw["deadline"]),
        sections=_sections(raw["sections"]),
        active=tuple(
            ActiveBlock(
                b["caption"],
                tuple(b["header"]),
                tuple(ActiveRow(r["label"], tuple(r["measures"])) for r in b["rows"]),
            )
            for b in raw["active"]
        ),
        requests=RequestsLayout(
            req["caption"],
            req["note"],
            tuple(_plain_node(c) for c in req["columns"]),
            tuple(_row_node(r) for r in req["rows"]),
        ),
        appeals=AppealsLayout(
            tuple(_plain_node(g) for g in appeals["groups"]),
            tuple((c["label"], c["result"]) for c in appeals["columns"]),
        ),
        prose_names=dict(raw["prose_names"]),
        prose_ratios={name: tuple(pair) for name, pair in raw["prose_ratios"].items()},
        stated_figures=dict(raw["stated_figures"]),
        units=dict(raw["units"]),
    )


def national_outcomes() -> tuple[str, ...]:
    """Every 办理结果 value allowed for replies dated 2019 or later (the current template's result rows)."""
    rows = get_format("2021").requests.row_leaves()
    return tuple(r.key for r in rows if r.measure == f"requests.replied.{r.key}" and r.key != "总计")
