"""A report published as a web page, inside whatever CMS page carries it.

lxml's HTML parser, with the network off: no entity, DTD, script, stylesheet or frame is loaded or run.
The report is the smallest element holding all its part headings and figure tables (TRS_Editor, zoom,
article bodies…), so navigation, footers and "related articles" around it are left out.
"""

from __future__ import annotations

import re

from lxml import etree

from .document import Document, Grid, TooLarge, expand
from .labels import clean, normalise
from .layout import header_words

_DROP = ("script", "style", "noscript", "template", "iframe", "frame", "object", "embed", "svg", "math", "select",
         "button", "textarea", "input")
_BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "h1", "h2", "h3", "h4",
          "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "form", "fieldset",
          "address", "figure", "figcaption", "hr", "tr", "td", "th", "caption", "tbody", "thead", "tfoot"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DATE_META = re.compile(r"pub|date|time|issued|created", re.I)
_TITLE_META = {"articletitle", "title", "og:title", "dc.title", "dcterms.title", "headline"}
_PART = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
# A CMS pager's links: an article cut into pages, read on its first, middle or last page (not 下一篇, the next
# article).
_PAGER = {"下一页", "上一页", "下页", "上页", "后一页", "前一页", "[下一页]", "[上一页]"}
# "发布日期：2023-01-19", or a 信息公开 info table's cells "发文日期 | 2023-01-19" (no colon: the text is cleaned).
_LABELLED_DATE = re.compile(r"(发布|公开|发文|成文)(?:日期|时间)[:：]?((?:19|20)\d{2}[\d\-/.年月日]{4,8})")
_DATE_LABELS = ("发布", "公开", "发文", "成文")  # the publication's own date first; 成文 is when it was written
# Plain lxml elements (not lxml.html's classes, whose lookup costs a tenth of the reading time).
_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)


def decode(raw: bytes) -> str:
    """BOM, then the page's own <meta charset>, then UTF-8, then GB18030 (gov.cn pages are often GBK)."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(encoding, errors="replace")
    declared = _CHARSET.search(raw[:4096])
    names = [declared.group(1).decode("ascii").lower()] if declared else []
    names = ["gb18030" if n in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936") else n for n in names]
    for name in [*names, "utf-8", "gb18030"]:
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def _own_rows(table: etree._Element) -> list[etree._Element]:
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _span(cell: etree._Element, name: str) -> int:
    digits = re.match(r"\s*(\d{1,7})", cell.get(name) or "")
    return int(digits.group(1)) if digits else 1


def _grid(table: etree._Element, where: str) -> tuple[Grid, list[str]]:
    rows = [
        [("".join(c.itertext()), _span(c, "rowspan"), _span(c, "colspan")) for c in tr if c.tag in ("td", "th")]
        for tr in _own_rows(table)
    ]
    return expand(rows, where)


def _is_layout(table: etree._Element) -> bool:
    """A table used for page layout: it holds other tables, or one cell per row."""
    if next(table.iterdescendants("table"), None) is not None:
        return True
    return all(sum(1 for c in tr if c.tag in ("td", "th")) <= 1 for tr in _own_rows(table))


def _markers(body: etree._Element) -> list[etree._Element]:
    """Elements that belong to the report: figure tables and part headings."""
    known = header_words()
    out = []
    for table in body.iter("table"):
        if _is_layout(table):
            continue
        words = {normalise(t) for t in table.itertext()}
        if words & known:
            out.append(table)
    for el in body.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "strong", "b", "span", "font"):
        text = "".join(el.itertext()) if len(el) <= 3 else (el.text or "")
        if len(text) < 60 and _PART.match(text) and ("情况" in text or "问题" in text or "事项" in text):
            out.append(el)
    return out


def _root(body: etree._Element) -> etree._Element:
    markers = _markers(body)
    if not markers:
        return body
    # Sets of the elements themselves (not of id()s: lxml's proxies die and their ids are reused).
    common = [*reversed(list(markers[0].iterancestors())), markers[0]]
    for marker in markers[1:]:
        chain = {*marker.iterancestors(), marker}
        while common and common[-1] not in chain:
            common.pop()
    return common[-1] if common else body


def _blocks(root: etree._Element, doc: Document) -> None:
    line: list[str] = []
    count = 0

    def flush() -> None:
        text = "".join(line).strip()
        line.clear()
        if text:
            doc.blocks.append(" ".join(text.split()))

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "table" and next(el.iterancestors("figure"), None) is not None:
                # the numbers behind a chart, for screen readers (as in our own report.html): the chart
                # illustrates the official tables, it is not one of them, nor prose
                walker.skip_subtree()
                continue
            if tag == "table" and not _is_layout(el):
                flush()
                count += 1
                try:
                    grid, problems = _grid(el, f"第{count}个表格")
                    doc.add_grid(grid)
                    doc.problems.extend(problems)
                except TooLarge as exc:
                    doc.problems.append(str(exc))
                walker.skip_subtree()
                continue
            if tag in _BLOCK or tag == "br":
                flush()
            if el.text:
                line.append(el.text)
        else:
            if tag in _BLOCK or tag == "table":
                flush()
            if el.tail and el is not root:
                line.append(el.tail)
    flush()


def _drop(el: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def read_html(raw: bytes, source: str) -> Document:
    doc = Document(source)
    text = _XML_DECLARATION.sub("", decode(raw), count=1)  # lxml refuses a str that declares an encoding
    tree = etree.fromstring(text or "<html></html>", parser=_PARSER)
    if tree is None:
        tree = etree.fromstring("<html></html>", parser=_PARSER)
    for el in list(tree.iter(*_DROP)):
        _drop(el)
    dates: list[tuple[int, str]] = []  # publication dates first, then other dates of the page
    for meta in tree.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        if name in _TITLE_META:
            doc.title_hints.append(content)
        elif _DATE_META.search(name) and not re.search(r"modif|updat|expir", name):
            dates.append((0 if re.search(r"pub|issued|first", name) else 1, content))
    doc.date_hints += [content for _, content in sorted(dates, key=lambda d: d[0])]
    doc.title_hints += ["".join(h.itertext()) for h in tree.iter("h1", "h2")][:4]
    doc.title_hints += ["".join(t.itertext()) for t in tree.iter("title")][:1]
    body = tree.find("body")
    body = body if body is not None else tree
    page_text = clean(" ".join(body.itertext()))
    labelled = sorted(_LABELLED_DATE.finditer(page_text), key=lambda m: _DATE_LABELS.index(m[1]))
    doc.date_hints += [m[0] for m in labelled[:1]]
    doc.more_pages = any(clean("".join(a.itertext())) in _PAGER for a in body.iter("a"))
    _blocks(_root(body), doc)
    return doc
