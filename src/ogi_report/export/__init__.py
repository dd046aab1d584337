"""nbconvert exporters for the finished report: a lean offline HTML page and a PDF printed from it.

Both are plug-ins registered under the `nbconvert.exporters` entry point, so
`jupyter nbconvert --to ogi_report_pdf report.ipynb` works as well as the build. They show cell
outputs and the analyst's own Markdown cells, in notebook order; code, prompts, text printed by code and
the cells tagged `hide` or `parameters` (such as the notebook's instructions) are removed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import Bool, default

from ..narrative import to_html

TEMPLATES = Path(__file__).parent / "templates"
REMOVED_TAGS = {"parameters", "injected-parameters", "hide"}


class ReportHTMLExporter(HTMLExporter):
    """The report as one self-contained HTML file, lang="zh-CN", with no code and no scripts."""

    export_from_notebook = "年度报告（HTML）"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "ogi_report"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES)]

    @default("extra_template_paths")
    def _extra_template_paths_default(self) -> list[str]:
        return [str(TEMPLATES)]  # so that the PDF template can extend 'ogi_report/index.html.j2'

    # Cell outputs and Markdown cells reach the report: no code, no prompts. A Markdown note that should
    # stay in the notebook only is tagged `hide`.
    exclude_input = Bool(True).tag(config=True)
    exclude_input_prompt = Bool(True).tag(config=True)
    exclude_output_prompt = Bool(True).tag(config=True)
    exclude_markdown = Bool(False).tag(config=True)

    def default_filters(self):  # type: ignore[override]
        yield from super().default_filters()
        # The prose's renderer: raw HTML escaped, javascript:/data:/file: links and images refused.
        yield ("ogi_markdown", to_html)

    def __init__(self, **kw: Any):
        super().__init__(**kw)
        self.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS), enabled=True)


class OverviewHTMLExporter(ReportHTMLExporter):
    """The office's overview of a region (notebooks/overview.ipynb): the same lean page, wider."""

    export_from_notebook = "区域概览（HTML）"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "ogi_overview"


class ReportPDFExporter(ReportHTMLExporter):
    """The same HTML printed to A4 by WeasyPrint, with page numbers and embedded SC fonts."""

    export_from_notebook = "年度报告（PDF）"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    @default("template_extension")
    def _template_extension_default(self) -> str:
        return ".html.j2"  # HTMLExporter only finds templates with this ending

    @default("template_name")
    def _template_name_default(self) -> str:
        return "ogi_report_pdf"

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
        figures_csv = (resources or {}).get("ogi_report_figures_csv")
        html, resources = super().from_notebook_node(nb, resources=resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(html, figures_csv), resources


# Dates inside the PDF (the attachment's) are fixed: the same inputs give the same bytes.
FIXED_DATE = "2000-01-01T00:00:00+00:00"


def html_to_pdf(html: str, figures_csv: bytes | None = None) -> bytes:
    """Print report HTML with WeasyPrint as PDF/A-3u, tagged (PDF/UA structure), with figures.csv embedded
    as an associated file (relationship Data) when given; pdf_fixes.py repairs what WeasyPrint gets wrong.
    The identifier is derived from the content (reproducible)."""
    import hashlib
    from datetime import datetime

    import weasyprint

    from .pdf_fixes import fix

    identifier = hashlib.sha256(html.encode("utf-8") + (figures_csv or b"")).hexdigest()[:32].encode("ascii")
    attachments = []
    if figures_csv is not None:
        date = datetime.fromisoformat(FIXED_DATE)
        attachments.append(weasyprint.Attachment(
            string=figures_csv, name="figures.csv", description="本报告全部统计数字（UTF-8 CSV）",
            created=date, modified=date, relationship="Data"))
    pdf = weasyprint.HTML(string=html, url_fetcher=inline_only()).write_pdf(
        pdf_identifier=identifier, pdf_variant="pdf/a-3u", pdf_tags=True, attachments=attachments)
    return fix(pdf)


def inline_only():
    """WeasyPrint's URL fetcher for reports: `data:` URLs (the charts) only. A build reads no local file
    and fetches nothing from the network, whatever a page carries."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})
