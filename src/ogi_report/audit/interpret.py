"""A read `Document` → `PublishedReport`: title, body, year, 发布日期, prose sections and the table cells."""

from __future__ import annotations

import re
from datetime import date

from ..formats import get_format
from .cells import read_tables
from .document import Document
from .labels import clean, normalise
from .layout import FORMAT_IDS
from .model import PublishedReport

_TITLE = re.compile(r"(?:政府信息公开|政务公开|信息公开)[^。]{0,12}(?:年度)?(?:工作)?报告")
_TITLE_PARTS = re.compile(r"^(?P<agency>.*?)(?:关于)?[\s　]*(?P<year>(?:19|20)\d{2})\s*年(?:度)?")
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")
_LABELLED_DATE = re.compile(r"(?:发布|发文|成文|公开|信息)?(?:日期|时间)\s*[:：]\s*" + _DATE.pattern)
_PERIOD_YEAR = re.compile(r"统计期限自\s*((?:19|20)\d{2})\s*年|((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日(?:起)?至")
_HEADING = re.compile(r"^[\s　]*([一二三四五六七八九十]+)\s*[、.．]\s*(\S.{0,40}?)\s*$")
MORE_PAGES = "网页分页显示（有“下一页”或“上一页”），只读取了本页；本页没有的单元格按缺少处理，请核对其他页"
NO_TABLES = "未找到可识别的统计表（表格可能是图片，或文件不是政府信息公开工作年度报告）"
_ANY_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def iso_date(text: str) -> str | None:
    match = _DATE.search(clean(text).replace("年", "年").replace("〇", "0"))
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def _title(doc: Document) -> str:
    for hint in [*doc.title_hints, *doc.paragraphs[:10]]:
        line = " ".join(hint.split())
        match = _TITLE.search(line)
        if match and len(line) <= 100:
            # "…年度报告_示例县人民政府" in <title>: the site's name is not the report's.
            rest = line[match.end():]
            return line[:match.end()] if rest[:1] in ("-", "_", "|", "｜", "—", "－", " ") else line
    return next((" ".join(h.split()) for h in doc.title_hints if h.strip()), "")


def _published(doc: Document) -> str | None:
    for hint in doc.date_hints:
        if found := iso_date(hint):
            return found
    paragraphs = doc.paragraphs
    # A line that is only a date, under the title or as the signature at the end ("2024年1月20日").
    for line in [*paragraphs[:4], *reversed(paragraphs[-4:])]:
        text = clean(line).strip("()（）")
        match = _DATE.fullmatch(text)
        if match and (found := iso_date(text)):
            return found
    for line in paragraphs:
        if match := _LABELLED_DATE.search(clean(line)):
            return iso_date(match.group(0))
    return None


def _year(title: str, text: str) -> int | None:
    if match := _TITLE_PARTS.search(clean(title)):
        return int(match["year"])
    if match := _PERIOD_YEAR.search(clean(text)):
        return int(match[1] or match[2])
    if match := _ANY_YEAR.search(clean(text)):
        return int(match[1])
    return None


_AGENCY_AFTER_YEAR = re.compile(r"(?:19|20)\d{2}\s*年(?:度)?\s*(.+?)\s*(?:政府信息公开|政务公开|信息公开)")


def _agency(title: str) -> str:
    """`示例局关于2023年…报告` and `2023年示例局政府信息公开工作年度报告` → 示例局."""
    title = " ".join(title.split())
    match = _TITLE_PARTS.search(title)
    agency = match["agency"].strip(" 　:：-—").removesuffix("关于").strip() if match else ""
    if not agency and (after := _AGENCY_AFTER_YEAR.search(title)):
        agency = after.group(1).removesuffix("度").strip()
    return agency


def _canonical_headings(format_id: str | None) -> list[str]:
    ids = [format_id] if format_id else list(FORMAT_IDS)
    return [s.heading for fid in ids for s in get_format(FORMAT_IDS[fid]).sections]


def sections(paragraphs: list[str], format_id: str | None) -> tuple[dict[str, str], list[str]]:
    """Prose by part heading (the template's heading when it is recognised) and the headings as found."""
    canonical = {normalise(h): h for h in _canonical_headings(format_id)}
    out: dict[str, list[str]] = {}
    found: list[str] = []
    current: str | None = None
    for paragraph in paragraphs:
        line = " ".join(paragraph.split())
        heading, rest = _split_heading(line, canonical)
        if heading:
            current = canonical.get(normalise(heading), heading)
            found.append(heading)
            out.setdefault(current, [])
            if rest:
                out[current].append(rest)
        elif current is not None and line:
            out[current].append(line)
    return {k: "\n".join(v) for k, v in out.items()}, found


def _split_heading(line: str, canonical: dict[str, str]) -> tuple[str | None, str]:
    """`二、主动公开政府信息情况` → (heading, ""); `一、总体情况 2023年，本局…` → (heading, the rest)."""
    match = re.match(r"^([一二三四五六七八九十]+)\s*[、.．]\s*", line)
    if not match:
        return None, ""
    after = line[match.end():]
    for name in sorted(canonical, key=len, reverse=True):
        if clean(after).startswith(name):
            # The heading as written, however it was spaced.
            taken, count = 0, 0
            while count < len(name) and taken < len(after):
                if not after[taken].isspace():
                    count += 1
                taken += 1
            return line[:match.end() + taken].strip(), after[taken:].strip(" 　。")
    short = _HEADING.match(line)
    if short and not re.search(r"[。；;，,]", short[2]) and len(short[2]) <= 30:
        return line, ""
    return None, ""


def interpret(doc: Document) -> PublishedReport:
    title = _title(doc)
    paragraphs = [p for p in doc.paragraphs if p.strip()]
    text = "\n".join(" ".join(p.split()) for p in paragraphs)
    year = _year(title, text)
    tables = read_tables(doc.grids, year)
    prose, headings = sections(paragraphs, tables.format_id)
    return PublishedReport(
        source=doc.source,
        title=title,
        agency=_agency(title),
        year=year,
        published=_published(doc),
        format_id=tables.format_id,
        text=text,
        sections=prose,
        headings=headings,
        cells=tables.cells,
        missing=tables.missing,
        unrecognised=tables.unrecognised,
        more_pages=doc.more_pages,
        problems=[*doc.problems, *([] if tables.format_id else [NO_TABLES]),
                  *([MORE_PAGES] if doc.more_pages and tables.missing else [])],
    )
