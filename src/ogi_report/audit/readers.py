"""`read_report(path)`: a published report file (.html/.htm, .docx, .pdf) → `PublishedReport`.

Only the given local file is read, within size caps; a file that cannot be read raises `UnreadableReport`
with a Chinese message naming it, so that a batch reports it and goes on.
"""

from __future__ import annotations

from pathlib import Path

from .document import Document
from .interpret import interpret
from .model import PublishedReport

MAX_HTML_BYTES = 20 * 1024 * 1024
MAX_DOCX_BYTES = 50 * 1024 * 1024
MAX_PDF_BYTES = 50 * 1024 * 1024


class UnreadableReport(ValueError):
    """A file that is not a readable report (wrong type, too large, broken, hostile)."""


def _bytes(path: Path, cap: int) -> bytes:
    if not path.is_file():
        raise UnreadableReport(f"{path.name}：不是文件")
    size = path.stat().st_size
    if size > cap:
        raise UnreadableReport(f"{path.name}：文件大小{size // 1024 // 1024} MB，超过读取上限{cap // 1024 // 1024} MB")
    if size == 0:
        raise UnreadableReport(f"{path.name}：文件是空的")
    return path.read_bytes()


def read_document(path: Path) -> Document:
    """The file's paragraphs and tables, before they are interpreted."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".shtml", ".xhtml"):
        from lxml import etree

        from .html_reader import read_html

        raw = _bytes(path, MAX_HTML_BYTES)
        try:
            return read_html(raw, path.name)
        except (ValueError, etree.LxmlError, RecursionError) as exc:
            raise UnreadableReport(f"{path.name}：网页无法解析（{type(exc).__name__}）") from None
    if suffix == ".docx":
        from .docx_reader import UnreadableDocx, read_docx

        try:
            return read_docx(_bytes(path, MAX_DOCX_BYTES), path.name)
        except UnreadableDocx as exc:
            raise UnreadableReport(f"{path.name}：{exc}") from None
    if suffix == ".pdf":
        from .pdf_reader import UnreadablePdf, read_pdf

        try:
            return read_pdf(_bytes(path, MAX_PDF_BYTES), path.name)
        except UnreadablePdf as exc:
            raise UnreadableReport(f"{path.name}：{exc}") from None
    raise UnreadableReport(
        f"{path.name}：不支持的文件类型“{path.suffix or '无扩展名'}”（可读取 .html、.htm、.docx、.pdf）")


def read_report(path: Path) -> PublishedReport:
    """A published report as cells, prose and facts; UnreadableReport when the file cannot be read."""
    return interpret(read_document(Path(path)))
