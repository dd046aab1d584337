"""The editions one build writes beside figures.csv and report.ipynb: a small registry, name → file and
the function that makes it.

Which editions: `版本` in report.yaml, or `ogi-report build --editions html,pdf`; all by default.
An edition's `write` gets an `EditionContext` (the executed notebook, the run's summary, the folder
being built, and the computed Report loaded in the build process on first use) and returns the file's
bytes; `prepare`, when given, runs in the build's side thread while the kernel works (imports, template
compilation) and its result is `ctx.prepared[name]`. This module imports nothing heavy: the no-change
check and the YAML validation use the names only.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import Problem

if TYPE_CHECKING:
    from .report import Report
    from .summary import RunSummary


@dataclass
class EditionContext:
    """What an edition is made from, in the build process after the notebook ran."""

    nb: Any  # the executed notebook (nbformat.NotebookNode), cleaned as report.ipynb is written
    summary: RunSummary
    data_dir: Path
    year: int
    folder: Path  # the folder being built: figures.csv and report.ipynb are there already
    outputs: Path  # outputs/<agency>/: last year's published report is outputs/<agency>/<year - 1>/
    prepared: dict[str, Any] = field(default_factory=dict)
    loading: Future[Report] | None = None  # the report being loaded beside the kernel, if it was started

    @cached_property
    def report(self) -> Report:
        """The computed report, loaded in the build process once for every edition that needs more than
        the notebook's HTML (the Word file's tables and prose): ~0.5 s (bench/editions.py), spent while
        the kernel works when the build started it early. Its figures must be the ones the notebook wrote:
        a ledger saved during the build stops it."""
        from .build import BuildError
        from .report import load_report

        report = self.loading.result() if self.loading else load_report(self.data_dir, self.year)
        if report.figures_csv() != (self.folder / "figures.csv").read_text(encoding="utf-8-sig"):
            raise BuildError("台账或 report.yaml 在生成过程中被修改，各版本的数字可能不一致，已停止生成；请重新运行")
        return report


@dataclass(frozen=True)
class Edition:
    name: str  # as written in report.yaml's 版本 and --editions
    file: str  # in outputs/<agency>/<year>/
    label: str  # for users, in Chinese
    write: Callable[[EditionContext], bytes]
    prepare: Callable[[], Any] | None = None
    needs_report: bool = False  # write reads ctx.report: the build loads it beside the kernel


def _prepare_html():
    import nbformat

    from .export import ReportHTMLExporter

    exporter = ReportHTMLExporter()
    exporter.from_notebook_node(nbformat.v4.new_notebook())  # compiles the templates
    return exporter


# Text in each face the report uses: serif and sans, regular and bold.
WARM_UP = ('<h2>年度报告</h2><p>政府信息公开<b>年度</b></p><table class="ogi-table"><tr><th class="head">年度</th>'
           '<td class="number">1</td></tr></table>')


def _prepare_pdf():
    """What every first PDF export pays once (templates, CSS selectors, WeasyPrint's loading of the four
    CJK faces), paid on a sample page while the kernel works. Measured with bench/run.py."""
    import nbformat

    from .export import ReportPDFExporter

    exporter = ReportPDFExporter()
    sample = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": WARM_UP})])])
    exporter.from_notebook_node(sample)
    return exporter


def _html(ctx: EditionContext) -> bytes:
    return ctx.prepared["html"].from_notebook_node(ctx.nb)[0].encode("utf-8")


def _pdf(ctx: EditionContext) -> bytes:
    figures_csv = (ctx.folder / "figures.csv").read_bytes()  # embedded in the archival PDF
    return ctx.prepared["pdf"].from_notebook_node(ctx.nb, resources={"ogi_report_figures_csv": figures_csv})[0]


def _docx(ctx: EditionContext) -> bytes:
    from .word import report_docx

    return report_docx(ctx.report)


def _prepare_docx():
    import docx  # noqa: F401 - python-docx's import (lxml, its templates) while the kernel works


def _review(ctx: EditionContext) -> bytes:
    from .review import review_html

    inputs = ctx.nb.metadata.get("ogi_report", {}).get("inputs_sha256", "")
    previous = ctx.outputs / str(ctx.year - 1) / "figures.csv"
    return review_html(ctx.report, ctx.summary, inputs, ctx.data_dir, previous).encode("utf-8")


def _prepare_review():
    from .tables import TEMPLATES

    TEMPLATES.get_template("review.html.j2")  # compiled while the kernel works


# The registry, in the order the editions are written and listed. One line per edition.
EDITIONS: dict[str, Edition] = {e.name: e for e in (
    Edition("html", "report.html", "网页版", _html, _prepare_html),
    Edition("pdf", "report.pdf", "PDF 版", _pdf, _prepare_pdf),
    Edition("docx", "report.docx", "Word 版", _docx, _prepare_docx, needs_report=True),
    Edition("review", "review.html", "审核版", _review, _prepare_review, needs_report=True),
)}


def known() -> str:
    return "、".join(EDITIONS)


def parse(value: object, where: str) -> tuple[tuple[str, ...], list[Problem]]:
    """Edition names from report.yaml's 版本 (a list or one name) or from `--editions` (a comma-separated
    text), in registry order, and the problems of the ones not known. Names ignore case and spaces;
    `where` names the file or the option in the messages."""
    if isinstance(value, str):
        items: Iterable[object] = value.replace("，", ",").replace("、", ",").split(",")
    elif isinstance(value, list):
        items = value
    else:
        return (), [Problem(f"「版本」应为版本名称的列表，如 [html, pdf]，而不是“{value}”；可选：{known()}", where)]
    names, problems = set(), []
    for item in items:
        name = "".join(str(item).split()).lower() if isinstance(item, str) else None
        if name in EDITIONS:
            names.add(name)
        elif name != "":
            close = _suggest(name or "")
            hint = f"（是否应为“{close}”，即{EDITIONS[close].label}？）" if close else ""
            problems.append(Problem(f"「版本」“{item}”无效{hint}；可选：{known()}", where))
    if not names and not problems:
        problems.append(Problem(f"「版本」至少要写一个版本；可选：{known()}", where))
    return tuple(n for n in EDITIONS if n in names), problems


def _suggest(name: str) -> str | None:
    """The known name closest to a mistyped one, or whose label the user wrote (`Word` → docx)."""
    close = difflib.get_close_matches(name, EDITIONS, n=1)
    if close:
        return close[0]
    return next((e.name for e in EDITIONS.values() if name and name in e.label.lower()), None)


def chosen(names: Iterable[str] | None) -> list[Edition]:
    """The editions to write: those named, or all."""
    return list(EDITIONS.values()) if names is None else [EDITIONS[n] for n in EDITIONS if n in set(names)]
