"""Labels and numbers as portals write them, brought to one form before they are compared.

Published tables write the same label with full- or half-width brackets and digits, spaces and line
breaks inside, other numbering (（一） / (一) / 1、 / 1.), bracketed notes and quotes; and the same number
with units (251000元, 12.5万元), thousands separators or full-width digits. A blank, "/", "-", "—", "无"
or "不适用" is not filled: never 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .model import NOT_FILLED

_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞]")
# Numbering in front of a label: 一、 (一) 1. 1、 (1) ① 第一, several in a row ("三、(一)").
_NUMBERING = re.compile(
    r"^(?:(?:[一二三四五六七八九十]+[、.．]|\([一二三四五六七八九十\d]+\)[、.]?|\d+[、.．](?!\d)|\d+\)"
    r"|[①②③④⑤⑥⑦⑧⑨⑩])\s*)+"
)
_NOTE = re.compile(r"\([^()]*\)")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")
_UNIT_NOTE = re.compile(r"(?:单位|计量单位)?[:：]?\s*(万元|元|件|条|个|人次|人|次|项|笔)$")

# A caption row or paragraph that states the unit of a whole table: 单位：件, （金额单位：元）.
_TABLE_UNIT = re.compile(
    r"^(?:注[:：])?\(?(?:本表|表中)?(?:金额|计量|数量|统计)?单位(?:为|是)?[:：]?(万元|元|人次|件|条|个|人|次|项|笔)\)?[。.]?$")
# Numbering inside a label, where a portal joined two label cells into one ("三、本年度办理结果 (七)总计").
_INNER_NUMBERING = re.compile(
    r"(?<=.)(?=[一二三四五六七八九十]+[、.．]|\([一二三四五六七八九十\d]+\)|(?<!\d)\d+[、.．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])")

_NOT_FILLED = {unicodedata.normalize("NFKC", t) for t in NOT_FILLED} | {"\\", "无。", "暂无", "——", "/"}

UNITS = ("万元", "元", "人次", "件", "条", "个", "人", "次", "项", "笔", "%")
_NUMBER = re.compile(
    r"^(?P<sign>[+\-−]?)(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)\s*(?P<unit>万元|元|人次|件|条|个|人|次|项|笔|%)?"
    r"(?:\([^()]*\))?$"
)
_CN_ZERO = {"〇", "零", "○"}


@lru_cache(maxsize=1 << 16)  # labels repeat from page to page
def clean(text: str) -> str:
    """NFKC (full-width digits and brackets become half-width), no spaces or quotes."""
    text = unicodedata.normalize("NFKC", text)
    return _QUOTES.sub("", _SPACE.sub("", text))


@lru_cache(maxsize=1 << 16)
def normalise(label: str) -> str:
    """The comparable form of a label: `（二）部分公开（区分处理的…）` and `2、部分公开` → `部分公开`."""
    text = clean(label)
    text = _NUMBERING.sub("", text)
    text = text.removeprefix("其中:").removeprefix("其中")
    without_notes = text
    while (stripped := _TRAILING_NOTE.sub("", without_notes)) != without_notes:
        without_notes = stripped
    # A label that is only a note (the 勾稽关系 note over table 三's label columns) keeps its words.
    text = without_notes if without_notes else text.strip("()")
    text = text.rstrip(":：;；,，。").replace("其它", "其他")  # 其它: a common variant spelling
    return "总计" if text == "合计" else text


@lru_cache(maxsize=1 << 16)
def unit_of_label(label: str) -> str | None:
    """The unit a header or label declares: `本年收费金额（单位：元）` → 元, `依申请公开收费(万元)` → 万元."""
    for note in reversed(_NOTE.findall(clean(label))):
        match = _UNIT_NOTE.search(note.strip("()"))
        if match:
            return match.group(1)
    return None


@lru_cache(maxsize=1 << 16)
def table_unit(text: str) -> str | None:
    """The unit a caption states for a whole table: `单位：件` → 件, `（金额单位：元）` → 元, `注：金额单位为元` → 元,
    `第二十条第（八）项（单位：元）` → 元."""
    match = _TABLE_UNIT.match(clean(text))
    if match:
        return match.group(1)
    return unit_of_label(text) if len(text) <= 40 else None  # a title with its unit, not a paragraph of prose


@lru_cache(maxsize=1 << 16)
def label_parts(label: str) -> tuple[str, ...]:
    """The normalised parts of a label that joins several numbered labels, each as its own label
    (`三、本年度办理结果 （七）总计` → 本年度办理结果, 总计); empty when the label has one part."""
    parts = _INNER_NUMBERING.split(_NUMBERING.sub("", clean(label)))
    return tuple(p for p in (normalise(part) for part in parts) if p) if len(parts) > 1 else ()


@lru_cache(maxsize=1 << 16)
def label_notes(label: str) -> tuple[str, ...]:
    """The bracketed notes of a label, normalised: `行政诉讼（复议后起诉）` → 复议后起诉."""
    return tuple(n for n in (normalise(note.strip("()")) for note in _NOTE.findall(clean(label))) if n)


@lru_cache(maxsize=1 << 16)
def is_not_filled(text: str) -> bool:
    return clean(text) in _NOT_FILLED


@dataclass(frozen=True)
class Number:
    value: Decimal
    unit: str | None  # the unit written with the number, if any


@lru_cache(maxsize=1 << 16)
def parse_number(text: str) -> Number | None:
    """`251,000元` → 251000 元; `１２.５万元` → 12.5 万元; `-3` → -3; None when the text is no number."""
    t = clean(text)
    if t in _CN_ZERO:
        return Number(Decimal(0), None)
    match = _NUMBER.match(t)
    if not match:
        return None
    try:
        value = Decimal(match["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None
    if match["sign"] in ("-", "−"):
        value = -value
    return Number(value, match["unit"])


def convert(number: Number, target: str, declared: str | None = None) -> float | None:
    """The number in the unit of our figures.csv (`target`); None when a sum of money is written where a
    count is expected. `declared` is the unit stated by the row or column header, used when the cell
    states none."""
    unit = number.unit or declared
    money = ("万元", "元")
    if unit in money and target in money:
        scale = {("元", "万元"): Decimal("0.0001"), ("万元", "元"): Decimal(10000)}.get((unit, target), Decimal(1))
        return _float(number.value * scale)
    if unit in money:
        return None
    return _float(number.value)


def _float(value: Decimal) -> float:
    return float(value.normalize()) if value else 0.0
