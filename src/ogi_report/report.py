"""One annual report assembled: the agency's data, its format, its figures, its prose, tables and charts.

This is what the notebook calls. Each method returns a piece of the finished report as escaped HTML
that Jupyter displays and nbconvert exports. Nothing here reads input files (ledgers.py does) or
computes a counting rule (figures.py does).
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from . import checks
from .figures import TOTAL, Figures, compute, in_year, proactive_figures, request_figures
from .formats import FORMAT_IDS, Format, get_format, short_name, strip_numbering, vocabulary
from .ledgers import AgencyData, load_agency_data
from .narrative import fill, format_number, to_html
from .problems import InputError, Problem
from .region import RegionData, is_region, load_region_data, member_table
from .summary import MIMETYPE, RunSummary
from .tables import TEMPLATES, Table, document_list, section_table

if TYPE_CHECKING:
    from .charts import Chart



@dataclass(frozen=True)
class Fragment:
    """A piece of the report as HTML; Jupyter shows it, nbconvert exports it."""

    markup: str

    def _repr_html_(self) -> str:
        return self.markup


@dataclass(frozen=True)
class ProblemList(Fragment):
    """The problem list as HTML, and the run's summary as JSON that only the build reads."""

    summary: RunSummary

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.markup, MIMETYPE: self.summary.to_json()}


class Report:
    def __init__(self, data: AgencyData):
        self.data = data
        self.year = data.year
        self.format: Format = get_format(data.year_facts.format_id)
        # A region's figures are its bodies' summed, each computed from its own ledgers (region.py).
        self.figures: Figures = (data.figures if isinstance(data, RegionData)
                                 else compute(data.ledgers, data.year_facts.facts, self.year))
        self.names = prose_names(self.format, self.figures, self.year)
        self.problems: list[Problem] = [*data.warnings, *checks.run(self)]
        self.filled_prose: dict[str, str] = {}  # narrative stem → Markdown with figures filled in
        prose_problems: list[Problem] = []
        for stem, (file, text) in data.narrative.items():
            self.filled_prose[stem], found = fill(text, self.names, file)
            prose_problems.extend(found)
        # The format's own sentences, kept apart so that I7 reports rows of the analyst's file as written.
        self.statements: dict[str, str] = {}  # narrative stem → filled statement
        for section in self.format.sections:
            if section.statement:
                self.statements[section.narrative], found = fill(
                    section.statement, self.names, f"formats/{self.format.id}")
                prose_problems.extend(found)
        self.problems += prose_problems + checks.prose_numbers(self)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    @property
    def title(self) -> str:
        suffix = "（汇总）" if isinstance(self.data, RegionData) else ""
        return f"{self.data.agency.short_name}{self.year}年政府信息公开工作年度报告{suffix}"

    @property
    def date_line(self) -> str:
        d = self.data.year_facts.published
        return f"（{d.year}年{d.month}月{d.day}日）"

    def _preamble(self) -> Markup:
        """The format's 概述 filled from agency.yaml, as HTML (empty when the format has none)."""
        agency = self.data.agency
        if not self.format.preamble:
            return Markup("")
        values = {
            "名称": agency.name, "地址": agency.address, "邮编": agency.postcode, "电话": agency.phone,
            "电子邮箱": agency.email, "年度": self.year, "各部分": "，".join(self.format.parts),
        }
        # Jinja with autoescape: agency.yaml text is escaped like any other input.
        return Markup(TEMPLATES.from_string(self.format.preamble).render(values))

    def preamble_text(self) -> str:
        """The 概述 as plain text, for editions that are not HTML."""
        return html.unescape(str(self._preamble()))

    def header(self) -> Fragment:
        return Fragment(TEMPLATES.get_template("header.html.j2").render(report=self, preamble=self._preamble()))

    def prose_markdown(self, stem: str) -> str:
        """A section's prose as Markdown, figures filled in. The format's statement comes first: the
        analyst's prose of 六 typically closes with "本年度无其他需要报告的事项", which must stay last."""
        parts = (self.statements.get(stem, ""), self.filled_prose.get(stem, ""))
        return "\n\n".join(p for p in parts if p.strip())

    def prose(self, stem: str) -> str:
        """A section's prose as HTML."""
        return to_html(self.prose_markdown(stem))

    @cached_property
    def section_tables(self) -> dict[str, Table | None]:
        """Each section's table, built once for the page and for figures.csv alike."""
        return {s.heading: section_table(self.format, s, self.figures) for s in self.format.sections}

    def tables(self) -> list[Table]:
        return [t for t in self.section_tables.values() if t is not None]

    def body(self) -> Fragment:
        parts = []
        for section in self.format.sections:
            table = self.section_tables[section.heading]
            parts.append(TEMPLATES.get_template("section.html.j2").render(
                section=section, prose=self.prose(section.narrative), table=table))
        return Fragment("\n".join(parts))

    def appendix_tables(self) -> list[Table]:
        """附录 the analyst asked for in report.yaml (e.g. the list of documents issued this year)."""
        found = []
        if "本年制发规范性文件目录" in self.data.year_facts.appendices:
            found.append(document_list(self.data.ledgers["documents"], self.year))
        if isinstance(self.data, RegionData):  # always: which bodies the sum covers, and which it lacks
            found.append(member_table(self.data, self.year))
        return found

    def appendices(self) -> Fragment:
        return Fragment("\n".join(TEMPLATES.get_template("appendix.html.j2").render(table=table)
                                   for table in self.appendix_tables()))

    def ledger(self, stem: str) -> pd.DataFrame:
        """The year's rows of a ledger ("requests", "proactive", ...) with its Chinese column names, for the
        analyst's own cells (see cells.py)."""
        from .cells import year_rows

        return year_rows(self.data.ledgers, stem, self.year)

    def charts(self) -> list[Chart]:
        return summary_charts(self)

    def illustrated(self) -> Fragment:
        """The 图解 part: every chart under one heading."""
        return Fragment(TEMPLATES.get_template("charts.html.j2").render(charts=self.charts()))

    def figure_records(self) -> pd.DataFrame:
        records = [r for t in self.tables() for r in t.records]
        frame = pd.DataFrame([(r.table, r.row, r.column, format_number(r.value)) for r in records],
                             columns=["table", "row", "column", "value"])
        return frame

    def figures_csv(self) -> str:
        buffer = io.StringIO()
        self.figure_records().to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        return buffer.getvalue()

    def save_figures(self, output_dir: str | Path) -> Path:
        """Write figures.csv (UTF-8 with BOM, so that Excel opens it correctly), and beside it the ledger
        rows behind each figure (provenance.SNAPSHOT): if the report is published and a ledger edit would
        later change a figure, the build names the rows responsible."""
        from .provenance import figure_rows
        from .rows_snapshot import MAX_TRACED_ROWS, SNAPSHOT, snapshot, untraced

        path = Path(output_dir) / "figures.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.figures_csv(), encoding="utf-8-sig")
        if isinstance(self.data, AgencyData):  # a region's figures are sums of its members' reports
            rows = sum(len(ledger) for ledger in self.data.ledgers.values())
            text = untraced(rows) if rows > MAX_TRACED_ROWS else snapshot(
                figure_rows(self.data.ledgers, self.year, self.tables(), self.data.sources))
            (path.parent / SNAPSHOT).write_text(text, encoding="utf-8")
        return path

    def summary(self) -> RunSummary:
        return RunSummary(self.title, self.format.id, tuple(self.problems), tuple(self.data.missing_ledgers()),
                          self.data.year_facts.published.isoformat(), tuple(self.data.empty_ledgers()),
                          self.data.year_facts.editions)

    def problem_list(self) -> ProblemList:
        """Problems found, for the analyst working in JupyterLab (empty when there are none), and the
        run's summary for the build."""
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in sorted(self.problems, key=lambda p: p.warning))
        head = (f'<p class="ogi-problems-head"><strong>预览：发现 {len(self.errors)} 个错误，报告不能发布。</strong>'
                "下面的报告只统计了没有错误的记录；改正后重新运行全部单元格。</p>") if self.errors else ""
        return ProblemList(f'{head}<ul class="ogi-problems">{items}</ul>' if items else "", self.summary())


def prose_names(fmt: Format, figures: Figures, year: int, placeholder: bool = False) -> dict[str, float]:
    """Every name the prose may use: the years, the format's figure names and its percentages (each 1
    with `placeholder`, when only the names matter)."""
    names: dict[str, float] = {"年度": year, "上一年度": year - 1, "下一年度": year + 1}
    if placeholder:
        return names | dict.fromkeys([*fmt.prose_names, *fmt.prose_ratios], 1)
    names |= {name: figures[measure] for name, measure in fmt.prose_names.items()}
    for name, (part, whole) in fmt.prose_ratios.items():
        names[name] = round(100 * figures[part] / figures[whole], 1) if figures[whole] else 0
    return names


def summary_charts(report: Report) -> list[Chart]:
    """图解: proactive disclosure by month and channel; for the national templates also applications by
    applicant type and by outcome, and the trend over every year the ledgers cover."""
    from . import charts  # matplotlib only where charts are drawn, not for validation or `check`

    year, f = report.year, report.figures
    proactive = report.data.ledgers["proactive"]
    months = proactive.loc[in_year(proactive["date"], year), "date"].dt.month.value_counts()
    found = [
        charts.bar_chart(f"{year}年主动公开政府信息按月分布", [f"{m}月" for m in range(1, 13)],
                         [int(months.get(m, 0)) for m in range(1, 13)], unit="条"),
    ]
    channels = [c for c in _channels() if f[f"proactive.channel.{c}"] > 0] or _channels()
    found.append(charts.bar_chart(f"{year}年主动公开政府信息按渠道分布", channels,
                                  [f[f"proactive.channel.{c}"] for c in channels], unit="条", horizontal=True))
    if report.format.requests is None:
        return found
    applicants = [c for c in report.format.requests.column_leaves() if c.key != TOTAL]
    found.append(charts.bar_chart(f"{year}年新收政府信息公开申请按申请人类型分布", [c.label for c in applicants],
                                  [f[f"requests.received.{c.key}"] for c in applicants], unit="件"))
    groups = next(n for n in report.format.requests.rows if n.children).children
    outcomes = [(strip_numbering(g.label).split("（")[0], g) for g in groups if g.key != TOTAL]
    found.append(charts.bar_chart(
        f"{year}年政府信息公开申请办理结果", [name for name, _ in outcomes],
        [f[f"requests.replied.{short_name(g.label)}.{TOTAL}"] for _, g in outcomes], unit="件", horizontal=True))
    years = covered_years(report.data.ledgers, year)
    series = {"本年新收申请": [], "上年结转申请": []}
    published = []
    for y in years:
        yf = request_figures(report.data.ledgers["requests"], y)
        series["本年新收申请"].append(yf[f"requests.received.{TOTAL}"])
        series["上年结转申请"].append(yf[f"requests.carried_in.{TOTAL}"])
        published.append(proactive_figures(proactive, y)["proactive.total"])
    labels = [f"{y}年" for y in years]
    found.append(charts.line_chart(f"{years[0]}—{year}年政府信息公开申请趋势", labels, series, unit="件"))
    found.append(charts.line_chart(f"{years[0]}—{year}年主动公开政府信息趋势", labels,
                                   {"主动公开政府信息": published}, unit="条"))
    return found


def covered_years(ledgers: dict[str, pd.DataFrame], year: int) -> list[int]:
    """Every year from the first one the proactive or requests ledger records, up to `year`."""
    firsts = [ledgers["proactive"]["date"].min(), ledgers["requests"]["received"].min()]
    known = [d.year for d in firsts if not pd.isna(d)]
    return list(range(min(known, default=year), year + 1))


def _channels() -> list[str]:
    return list(vocabulary()["渠道"].values)


def load_data(data_dir: str | Path, year: int, strict: bool = True) -> AgencyData:
    """An agency's data, or a region's (a folder with region.yaml: its members' figures summed)."""
    if is_region(data_dir):
        return load_region_data(data_dir, year, strict)
    return load_agency_data(data_dir, year, strict)


def load_checked(data_dir: str | Path, year: int) -> AgencyData:
    """The agency's (or region's) data for `year`; InputError listing every problem of the ledgers, the
    YAML files and the prose's figure names at once, so that the analyst fixes them in one round."""
    data = load_data(data_dir, year, strict=False)
    if any(not p.warning for p in data.warnings):
        raise InputError(data.warnings + prose_name_problems(data))
    return data


def prose_name_problems(data: AgencyData) -> list[Problem]:
    """Unknown figure names and placeholder mistakes in the prose: they do not depend on the ledgers."""
    if data.year_facts is None or data.year_facts.format_id not in FORMAT_IDS:
        return []  # the format is unknown, and so are its names
    fmt = get_format(data.year_facts.format_id)
    names = prose_names(fmt, {}, data.year, placeholder=True)
    return [p for file, text in data.narrative.values() for p in fill(text, names, file)[1]]


def load_report(data_dir: str | Path, year: int, preview: bool = False) -> Report:
    """Read, validate and compute the report of `year`; raise InputError listing every problem.

    With `preview` (the notebook opened in JupyterLab), errors do not stop it: the report comes back
    computed from the rows that are valid, its problem list leading with the errors, so that the
    analyst sees both while fixing the ledgers. Only what leaves nothing to show (no report.yaml, an
    unknown format) still raises. A build never previews.
    """
    if not preview:
        report = Report(load_checked(data_dir, year))
        if report.errors:
            raise InputError(report.problems)
        return report
    data = load_data(data_dir, year, strict=False)
    if data.agency is None or data.year_facts is None or data.year_facts.format_id not in FORMAT_IDS:
        raise InputError(data.warnings)
    return Report(data)
