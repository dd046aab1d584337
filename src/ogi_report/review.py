"""The reviewers' edition (review.html): every figure beside last year's, large changes marked, each figure
linked to the ledger rows it counts, the build's problems, the inputs hash, missing ledgers and prose that
repeats last year's. One offline HTML file, rendered by templates/review.html.j2 with autoescape (ledger
text is untrusted). It computes nothing itself: figures and their rows come from figures.py via
provenance.py.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .figures import compute, fact_sources
from .ledgers import LEDGERS, load_narrative
from .narrative import format_number
from .problems import Problem
from .provenance import FigureRows, figure_rows
from .published import UnreadableFigures, cells
from .report import Report
from .summary import RunSummary
from .tables import TEMPLATES, section_table

# A change is large when it is at least half of last year's value and at least this many (件, 条, 万元),
# or when a figure that was 0 reaches this many.
LARGE_RATIO = 0.5
LARGE_MIN = 5
# Prose at least this similar to last year's (difflib ratio, whitespace ignored) is said to repeat it.
SIMILAR = 0.8
# Rows listed under one figure: a city's 许可 ledger counts hundreds of thousands of rows into one cell, which
# no reviewer reads in a browser (1.2 million rows made a 71 MB page); the count and sum still cover them all.
LISTED_ROWS = 500


@dataclass(frozen=True)
class Compared:
    figure: FigureRows
    previous: float | None  # None: last year's value is not known
    large: bool

    @property
    def change(self) -> float | None:
        return None if self.previous is None else round(self.figure.value - self.previous, 2)


@dataclass(frozen=True)
class RepeatedProse:
    part: str
    file: str
    similarity: float  # 0–1, whole text
    same_paragraphs: int
    paragraphs: int


def is_large(value: float, previous: float | None) -> bool:
    if previous is None:
        return False
    change = abs(value - previous)
    if previous == 0:
        return change >= LARGE_MIN
    return change >= LARGE_MIN and change / abs(previous) >= LARGE_RATIO


def previous_values(report: Report, previous_csv: Path) -> tuple[dict[tuple[str, str, str], float | None], str,
                                                                   list[Problem]]:
    """Last year's value of each figure, from last year's published figures.csv when present, else computed
    from the same ledgers (figures stated in report.yaml are then unknown: a blank is not 0); where they
    came from, in words; and a problem when the published file cannot be read."""
    problems = []
    if previous_csv.is_file():
        try:
            found: dict[tuple[str, str, str], float | None] = {}
            for key, text in cells(previous_csv).items():
                try:
                    found[key] = float(text)
                except ValueError:
                    found[key] = None
            digest = hashlib.sha256(previous_csv.read_bytes()).hexdigest()[:12]
            return found, (f"上一年已发布报告的 figures.csv（{previous_csv.parent.name}/figures.csv，"
                           f"SHA-256 前 12 位 {digest}）"), []
        except UnreadableFigures as exc:
            problems.append(Problem(f"无法读取上一年已发布的 {exc}；上一年数字改按台账计算", warning=True))
    year = report.year - 1
    figures = compute(report.data.ledgers, {}, year)
    stated = set(fact_sources())
    values: dict[tuple[str, str, str], float | None] = {}
    for section in report.format.sections:
        table = section_table(report.format, section, figures)
        for r in table.records if table else ():
            values[(r.table, r.row, r.column)] = None if r.measure in stated else r.value
    source = f"按本次台账计算的{year}年数字（上一年未在输出文件夹中发布；report.yaml 中填写的数字不计算）"
    return values, source, problems


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def repeated_prose(report: Report, data_dir: Path) -> list[RepeatedProse]:
    """The prose parts whose text repeats last year's (the same file under <year-1>/narrative/)."""
    # Last year's files under this year's part names; their own problems were last year's build's to report.
    previous = load_narrative(data_dir, report.year - 1, report.data.year_facts.format_id, [])
    out = []
    for part, (file, text) in sorted(report.data.narrative.items()):
        if part not in previous:
            continue
        old = previous[part][1]
        similarity = difflib.SequenceMatcher(None, _normal(old), _normal(text), autojunk=False).ratio()
        paragraphs = [_normal(p) for p in re.split(r"\n\s*\n", text) if p.strip()]
        old_paragraphs = {_normal(p) for p in re.split(r"\n\s*\n", old) if p.strip()}
        same = sum(p in old_paragraphs for p in paragraphs)
        if similarity >= SIMILAR or same:
            out.append(RepeatedProse(part, file, round(similarity, 3), same, len(paragraphs)))
    return out


def ledger_states(report: Report) -> list[tuple[str, str, str]]:
    """(ledger, file, state) for every ledger of the contract."""
    out = []
    for stem, spec in LEDGERS.items():
        source = report.data.sources.get(stem)
        if source is None:
            out.append((spec.title, f"{stem}.csv", "缺失，按 0 计"))
        elif report.data.ledgers[stem].empty:
            out.append((spec.title, source, "没有记录，按 0 计"))
        else:
            out.append((spec.title, source, f"已读取 {len(report.data.ledgers[stem])} 条记录"))
    return out


def review_html(report: Report, summary: RunSummary, inputs_hash: str, data_dir: Path, previous_csv: Path) -> str:
    """The reviewers' edition of `report` as one HTML document."""
    traced = figure_rows(report.data.ledgers, report.year, report.tables(), report.data.sources)
    previous, previous_source, problems = previous_values(report, previous_csv)
    compared = [Compared(f, previous.get(f.key), is_large(f.value, previous.get(f.key))) for f in traced]
    tables: dict[str, list[tuple[int, Compared]]] = {}
    for index, c in enumerate(compared):
        tables.setdefault(c.figure.table, []).append((index, c))
    all_problems = sorted((*summary.problems, *problems), key=lambda p: (p.warning, p.rule or "", p.file or "",
                                                                        p.row or 0, p.message))
    states = ledger_states(report)
    return TEMPLATES.get_template("review.html.j2").render(
        report=report, summary=summary, inputs_hash=inputs_hash, tables=tables, compared=compared,
        large=[(i, c) for i, c in enumerate(compared) if c.large], previous_source=previous_source,
        problems=all_problems, ledgers=states, zeroed=[s for s in states if s[2].endswith("按 0 计")],
        repeated=repeated_prose(report, data_dir),
        number=format_number, LARGE_RATIO=LARGE_RATIO, LARGE_MIN=LARGE_MIN, SIMILAR=SIMILAR, LISTED_ROWS=LISTED_ROWS,
    )
