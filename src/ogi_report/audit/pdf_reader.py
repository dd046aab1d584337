"""A report published as a PDF with a text layer, read with pdfplumber (pdfminer.six underneath).

pdfplumber finds tables from their ruling lines and gives each cell's box, so merged cells are rebuilt
from geometry (a box spanning three column edges is one cell over three columns). Text outside the
tables becomes paragraphs: a line that reaches the right margin continues on the next. A scanned PDF
(no text layer) has nothing to read and says so. Pages and time are capped.
"""

from __future__ import annotations

import io
import re
import time
from bisect import bisect_left

from .document import Document, Placed, TooLarge, from_placed

MAX_PAGES = 300
MAX_SECONDS = 120.0  # a page that takes pdfminer this long to lay out is not a report
_TOLERANCE = 2.0     # points: edges closer than this are one edge


# Page footers and headers: 第 1 页 / 共 7 页, - 1 -, — 2 —, 1/7.
_PAGE_NUMBER = re.compile(r"第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?|[-—–－\s]*\d+[-—–－\s]*|\d+\s*/\s*\d+")


class UnreadablePdf(ValueError):
    pass


def _edges(values: list[float]) -> list[float]:
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > _TOLERANCE:
            edges.append(v)
    return edges


def _index(edges: list[float], value: float) -> int:
    i = bisect_left(edges, value - _TOLERANCE)
    return min(i, len(edges) - 1)


def _grid(page, table, where: str):  # type: ignore[no-untyped-def]
    boxes = [c for c in table.cells if c is not None]
    xs = _edges([v for c in boxes for v in (c[0], c[2])])
    ys = _edges([v for c in boxes for v in (c[1], c[3])])
    cells = []
    for x0, top, x1, bottom in boxes:
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        text = page.within_bbox((x0, top, x1, bottom), strict=False).extract_text() or ""
        cells.append(Placed(r0, c0, r1 - r0, c1 - c0, "".join(text.split())))
    return from_placed(cells, where)


def _not_background(page):  # type: ignore[no-untyped-def]
    """Drop page-sized rectangles (backgrounds, page borders): their sides are no table's rulings."""
    width, height = float(page.width), float(page.height)

    def keep(obj: dict) -> bool:
        return not (obj.get("object_type") == "rect" and obj["x1"] - obj["x0"] > width / 2
                    and obj["bottom"] - obj["top"] > height / 3)

    return keep


def _paragraphs(lines: list[dict], right: float) -> list[str]:
    """Wrapped lines → paragraphs: a line ending near the right margin goes on in the next one."""
    out: list[str] = []
    current = ""
    for line in lines:
        text = line["text"].strip()
        if not text or _PAGE_NUMBER.fullmatch(text):
            continue
        current += text
        if line["x1"] < right - 20 or text.endswith(("。", "：", ":")):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def read_pdf(raw: bytes, source: str) -> Document:
    import pdfplumber  # imported here, only when a PDF is read
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    if not raw.lstrip()[:5].startswith(b"%PDF"):
        raise UnreadablePdf("不是 PDF 文件")
    doc = Document(source)
    started = time.monotonic()
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise UnreadablePdf(f"共{len(pdf.pages)}页，超过读取上限{MAX_PAGES}页")
            title = (pdf.metadata or {}).get("Title")
            if isinstance(title, str) and title.strip():
                doc.title_hints.append(title.strip())
            count = 0
            chars = 0
            for whole in pdf.pages:
                if time.monotonic() - started > MAX_SECONDS:
                    raise UnreadablePdf(f"读取超过{int(MAX_SECONDS)}秒，已停止")
                page = whole.filter(_not_background(whole))
                tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
                chars += len(page.chars)
                top = 0.0
                regions = [*((t.bbox[1], t) for t in tables), (float(page.height), None)]
                words_right = max((c["x1"] for c in page.chars), default=float(page.width))
                for bottom, table in regions:
                    if bottom > top + 1:
                        part = page.crop((0, top, float(page.width), bottom), strict=False)
                        doc.blocks.extend(_paragraphs(part.extract_text_lines(), words_right))
                    if table is not None:
                        count += 1
                        try:
                            doc.add_grid(_grid(page, table, f"第{count}个表格"))
                        except TooLarge as exc:
                            doc.problems.append(str(exc))
                        top = table.bbox[3]
                whole.close()
            if chars == 0:
                raise UnreadablePdf("PDF 没有文字层（可能是扫描件），无法读取")
    except UnreadablePdf:
        raise
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, AssertionError) as exc:
        raise UnreadablePdf(f"PDF 文件损坏，无法读取（{type(exc).__name__}）") from None
    except Exception as exc:  # pdfminer raises many exception types on broken files
        raise UnreadablePdf(f"PDF 文件无法读取（{type(exc).__name__}）") from None
    return doc
