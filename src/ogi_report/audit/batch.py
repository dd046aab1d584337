"""`ogi-report audit`: read many published reports in parallel, pair each with last year's, apply the rules
and write figures.csv per report, findings.csv and audit.html.

Reading is the slow part and runs in worker processes (one per core); the rules run there too, on the
report and last year's. One unreadable file is a finding about that file, never the end of the batch.
Outputs depend only on the inputs (sorted by name, no timestamps), so the same files give the same bytes.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..narrative import format_number
from .layout import targets
from .model import PublishedReport
from .readers import UnreadableReport, read_report
from .rules import UNKNOWN, Finding, audit, unreadable

# What a folder may hold that we read; .doc/.wps are listed so that the office is told to convert them.
SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".docx", ".pdf", ".doc", ".wps")
FINDINGS_COLUMNS = ("report", "rule", "state", "table", "row", "column", "detail")


@dataclass
class Audited:
    """One input: its name in the outputs, what was read (None: unreadable) and its findings."""

    name: str
    path: Path
    report: PublishedReport | None = None
    findings: list[Finding] = field(default_factory=list)
    previous: str = ""  # the name of last year's report it was compared with


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The report files among `paths` (folders searched recursively, sorted) and the files skipped."""
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            for item in sorted(p for p in path.rglob("*") if p.is_file()):
                (files if item.suffix.lower() in SUFFIXES else skipped).append(item)
        else:
            files.append(path)  # named explicitly: read it, or say why it cannot be read
    return list(dict.fromkeys(files)), skipped


def unique_names(paths: list[Path]) -> list[str]:
    """Each file's name, with " (2)", " (3)"… when two inputs share a name (from different folders)."""
    seen: dict[str, int] = {}
    names = []
    for path in paths:
        seen[path.name] = seen.get(path.name, 0) + 1
        names.append(path.name if seen[path.name] == 1 else f"{path.stem} ({seen[path.name]}){path.suffix}")
    return names


def _read(path: Path) -> PublishedReport | str:
    try:
        return read_report(path)
    except UnreadableReport as exc:
        return str(exc)
    except Exception as exc:  # a hostile or broken file must not stop the batch of hundreds
        return f"{path.name}：无法读取（{type(exc).__name__}）"


def _read_named(item: tuple[str, Path]) -> PublishedReport | str:
    name, path = item
    report = _read(path)
    if isinstance(report, PublishedReport):
        report.source = name
    return report


def _audit(item: tuple[PublishedReport, PublishedReport | None, int | None]) -> list[Finding]:
    try:
        return audit(*item)
    except Exception as exc:  # said about this report, in the findings; the batch goes on
        return [Finding(item[0].source, "读取", UNKNOWN,
                        detail=f"核对这份报告时程序出错（{type(exc).__name__}: {exc}），请把该文件报告给开发者")]


def body_key(agency: str) -> str:
    """A body's name as pairing compares it: no spaces, no punctuation."""
    return re.sub(r"[\s　（）()·・]", "", agency)


def _key(report: PublishedReport) -> str:
    """The body's name from the title; failing that, the file's name without years (民政局2023.html)."""
    if report.agency:
        return body_key(report.agency)
    stem = Path(report.source.removeprefix("上一年/")).stem
    rest = body_key(re.sub(r"(?:19|20)\d{2}\s*年?度?|\s*\(\d+\)$", "", stem))
    return f"文件：{rest}" if rest else ""


def pair(reports: list[PublishedReport], pool: list[PublishedReport], year: int | None) -> list[PublishedReport | None]:
    """For each report, last year's report of the same body from `pool` (None when there is none)."""
    by_body: dict[tuple[str, int | None], PublishedReport] = {}
    for candidate in pool:
        if key := _key(candidate):
            by_body.setdefault((key, candidate.year), candidate)
    out: list[PublishedReport | None] = []
    for report in reports:
        report_year = report.year or year
        key = _key(report)
        out.append(by_body.get((key, report_year - 1)) if key and report_year else None)
    return out


def run(paths: list[Path], previous: list[Path] | None = None, year: int | None = None, jobs: int | None = None,
        progress: Callable[[int, int, str], None] | None = None) -> tuple[list[Audited], list[Path]]:
    """Read and audit every report file under `paths`; `previous` adds last year's reports to pair with."""
    files, skipped = collect(paths)
    old_files, _ = collect(previous or [])
    old_files = [p for p in old_files if p not in files]
    audited = [Audited(name, path) for name, path in zip(unique_names(files), files, strict=True)]
    old_names = [f"上一年/{n}" for n in unique_names(old_files)]
    jobs = jobs or os.cpu_count() or 1
    total = len(files) + len(old_files)
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, total or 1))) as executor:
        chunk = max(1, min(16, total // (jobs * 4) or 1))
        items = [(a.name, a.path) for a in audited] + list(zip(old_names, old_files, strict=True))
        read: list[PublishedReport | str] = []
        for done, result in enumerate(executor.map(_read_named, items, chunksize=chunk), start=1):
            read.append(result)
            if progress:
                progress(done, total, items[done - 1][0])
        old_reports = [r for r in read[len(files):] if isinstance(r, PublishedReport)]
        for item, result in zip(audited, read[:len(files)], strict=True):
            if isinstance(result, PublishedReport):
                item.report = result
            else:
                item.findings = unreadable(item.name, result)
        readable = [a for a in audited if a.report is not None]
        reports = [a.report for a in readable]
        pool = [*old_reports, *reports]  # last year's report may be among the inputs too
        matches = pair(reports, pool, year)  # type: ignore[arg-type]
        work = [(r, m, year) for r, m in zip(reports, matches, strict=True)]
        for item, match, findings in zip(readable, matches, executor.map(_audit, work, chunksize=chunk),
                                         strict=True):
            item.findings = findings
            item.previous = match.source if match is not None else ""
    return audited, skipped


def figures_csv(report: PublishedReport) -> str:
    """The report's cells in our figures.csv layout; a cell that was not filled has an empty value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("table", "row", "column", "value"))
    by_key = {(c.table, c.row, c.column): c for c in report.cells}
    order = [t.key for t in targets(report.format_id)] if report.format_id else []
    known = set(order)
    for key in [*order, *(k for k in by_key if k not in known)]:
        cell = by_key.get(key)
        if cell is not None:
            writer.writerow((*key, "" if cell.value is None else format_number(cell.value)))
    return buffer.getvalue()


def inert(text: str) -> str:
    """Text from other bodies' files as Excel shows it, never as a formula (=, +, -, @ first)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def findings_csv(audited: list[Audited]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FINDINGS_COLUMNS)
    for item in audited:
        for f in item.findings:
            texts = (f.table, f.row, f.column, f.detail)
            writer.writerow((inert(f.report), f.rule, f.state, *map(inert, texts)))
    return buffer.getvalue()


def write(audited: list[Audited], out: Path) -> list[Path]:
    """figures.csv per readable report, findings.csv and audit.html under `out` (UTF-8 with BOM for Excel)."""
    from .html import audit_html

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for item in audited:
        if item.report is not None:
            path = out / item.name / "figures.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(figures_csv(item.report), encoding="utf-8-sig", newline="")
            written.append(path)
    for name, text, encoding in (("findings.csv", findings_csv(audited), "utf-8-sig"),
                                 ("audit.html", audit_html(audited), "utf-8")):
        path = out / name
        path.write_text(text, encoding=encoding, newline="")
        written.append(path)
    return written
