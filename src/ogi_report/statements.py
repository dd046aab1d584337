"""Numbers that prose states about figures: "新收政府信息公开申请21件", "其中予以公开13件，占44.8%",
"收取信息处理费2笔，共计0.02万元", "行政复议1件，其中被纠错1件", numbers in Chinese characters (二十一件).

Each number is bound to its own phrase (the nearest figure phrase before it in the same clause), never
to the first number of the sentence. A percentage ("占44.8%") belongs to the figure stated just before
it; "被纠错" and "尚未审结" belong to the 行政复议 or 行政诉讼 the sentence is about. This module only
finds statements in text; checks.py compares them with the figures. It reads no files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
_UNITS = ("万元", "人次", "元", "件", "条", "个", "次", "人", "名", "项", "笔", "起", "%")
# A number: Arabic (thousands separators allowed) or Chinese numerals; then the unit.
_NUMBER = re.compile(
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
    r"\s*(?P<unit>" + "|".join(_UNITS) + ")"
    # 三个工作日, 两个月, 5个百分点, 4次会议: a duration or another measure, not a count of the figure
    r"(?!工作日|月|日|小时|百分点|年|季度|周|星期|批次|轮)")
_MAX_GAP = 12  # characters between a phrase and its number ("收到各类政府信息公开申请共计21件")
_CLAUSE = re.compile(r"[，,；;。！？!?\n：:（）()]")
_SENTENCE = re.compile(r"[。！？!?\n；;]")
_ORDINAL = re.compile(r"(?:第|\d年|年)$")  # 第二十条, 2021年12月: not statements
_CONTINUED = re.compile(r"^\s*(?:共计|合计|总计|金额|计)")  # "2笔，共计0.02万元": the clause goes on


@dataclass(frozen=True)
class Statement:
    """A number the prose states, with the figure name it is bound to (None: no phrase claims it)."""

    name: str | None
    value: float
    unit: str
    quote: str  # the phrase and the number, as written
    start: int  # offset in the text


def parse_number(text: str) -> float | None:
    """'21', '1,200.5', '二十一', '两', '一百零五' → the value; None when it is not a number."""
    text = text.translate(_FULL_WIDTH)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # 二三 is not a number
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return float(total + section + (digit or 0))


@dataclass(frozen=True)
class Phrases:
    """What binds a number to a figure: phrase regex → figure name, or → {subject name: figure name} for
    phrases such as 被纠错 whose figure depends on the 行政复议/行政诉讼 the sentence is about."""

    figures: Mapping[str, str | Mapping[str, str]]
    ratios: Mapping[str, str]  # figure name → the name of its percentage (予以公开数 → 予以公开占比)

    def pattern(self) -> re.Pattern[str]:
        return self._compiled[0]

    def name_of(self, phrase: str) -> str | Mapping[str, str]:
        return next(v for p, v in self._compiled[1] if p.fullmatch(phrase))

    @cached_property
    def _compiled(self) -> tuple[re.Pattern[str], list[tuple[re.Pattern[str], str | Mapping[str, str]]]]:
        # Compiled once per Phrases: an audit finds statements in thousands of reports with the same phrases.
        alternatives = re.compile("|".join(f"(?:{p})" for p in sorted(self.figures, key=len, reverse=True)))
        return alternatives, [(re.compile(p), v) for p, v in self.figures.items()]


def find(text: str, phrases: Phrases) -> list[Statement]:
    """Every number with a unit that follows a figure phrase in its clause, bound to that phrase's figure;
    and every percentage after a stated figure that has a percentage name."""
    found: list[Statement] = []
    pattern = phrases.pattern()
    for sentence in _spans(text, _SENTENCE):
        subject: str | None = None  # the last plain figure named in the sentence, for 被纠错 and 占 X%
        last_figure: str | None = None
        carried: str | Mapping[str, str] | None = None  # the phrase a "共计…" clause continues
        for clause_start, clause_end in _spans_in(text, sentence, _CLAUSE):
            clause = text[clause_start:clause_end]
            hits = [(m.start(), m.end(), phrases.name_of(m.group(0))) for m in pattern.finditer(clause)]
            if not hits and carried is not None and _CONTINUED.match(clause):
                hits = [(0, 0, carried)]
            carried = hits[-1][2] if hits else None
            for number in _NUMBER.finditer(clause):
                if _ORDINAL.search(clause[:number.start()]):
                    continue
                value = parse_number(number.group("number"))
                if value is None:
                    continue
                unit = number.group("unit")
                before = [h for h in hits if h[1] <= number.start()]
                quote_start = before[-1][0] if before else number.start()
                quote = clause[quote_start:number.end()]
                if unit == "%":
                    if last_figure is not None:  # "同比增长15%" with no figure before it is not a statement
                        ratio = phrases.ratios.get(last_figure)
                        found.append(Statement(ratio, value, unit, clause[:number.end()].strip(), clause_start))
                    continue
                if (not before or number.start() - before[-1][1] > _MAX_GAP
                        or _NUMBER.search(clause[before[-1][1]:number.start()])):
                    continue  # no phrase of its own: not a statement about a figure
                target = before[-1][2]
                if not isinstance(target, str):  # keyed by the unit (笔, 万元) or by the sentence's subject
                    target = target.get(unit) or target.get(subject or "")
                found.append(Statement(target, value, unit, quote, clause_start + quote_start))
                last_figure = target
            for _, _, target in hits:
                if isinstance(target, str):
                    subject = target
    return found


def _spans(text: str, separators: re.Pattern[str]) -> list[tuple[int, int]]:
    return _spans_in(text, (0, len(text)), separators)


def _spans_in(text: str, span: tuple[int, int], separators: re.Pattern[str]) -> list[tuple[int, int]]:
    start, end = span
    spans, position = [], start
    for match in separators.finditer(text, start, end):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, end))
    return [s for s in spans if s[0] < s[1]]
