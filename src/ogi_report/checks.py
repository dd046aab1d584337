"""The consistency rules of spec/official-templates.md, each reported by its id.

O1 and I1–I4 hold by construction when the counting rules are right; they are checked anyway because
a report is a legal publication and a bug must not reach it. I5 and I6 compare with the previous
year computed from the same running ledgers; I7 compares numbers written in the prose with the
figures; C1 compares the publication date with the deadline; F1 (ours, not the spec's) makes sure the
chosen format prints every ledger fact of the year; T1 (issue 10) warns of replies after the legal
deadline (timeliness.py). Checks only read a Report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import statements, timeliness
from .figures import TOTAL, Figures, document_figures, in_year, outcome_groups, request_figures
from .formats import Format, default_format_id, get_format, national_outcomes, vocabulary
from .narrative import format_number
from .problems import Problem
from .region import RegionData

if TYPE_CHECKING:
    from .report import Report

def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


Term = tuple[str, int, bool]  # (measure, +1 or -1, from the previous year)


@dataclass(frozen=True)
class Balance:
    """One equation of a rule: the terms of `left` must add up to those of `right`.

    The same equations check our computed figures (below) and the cells of a published report
    (audit/rules.py), so the sums are written once. `message` may use {left} and {right}.
    """

    rule: str
    message: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    warning: bool = False

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right

    def describe(self, left: float, right: float) -> str:
        return self.message.format(left=format_number(left), right=format_number(right))


def _now(*measures: str) -> tuple[Term, ...]:
    return tuple((m, 1, False) for m in measures)


def o1_balances(fmt: Format) -> list[Balance]:
    return [Balance("O1", f"表三「{col.label}」列：第一项加第二项（{{left}}）不等于第三项加第四项（{{right}}）",
                    _now(f"requests.received.{col.key}", f"requests.carried_in.{col.key}"),
                    _now(f"requests.replied.{TOTAL}.{col.key}", f"requests.carried_out.{col.key}"))
            for col in fmt.requests.column_leaves()]


def i1_balances(fmt: Format) -> list[Balance]:
    applicants = [c.key for c in fmt.requests.column_leaves() if c.key != TOTAL]
    return [Balance("I1", f"表三「{row.key}」行：总计不等于各类申请人之和", _now(f"{row.measure}.{TOTAL}"),
                    _now(*(f"{row.measure}.{a}" for a in applicants)))
            for row in fmt.requests.row_leaves()]


def i2_balances(fmt: Format) -> list[Balance]:
    results = [r for r in fmt.requests.row_leaves() if r.measure.startswith("requests.replied.")]
    total = next(r for r in results if r.key == TOTAL)
    return [Balance("I2", f"表三「{col.label}」列：（七）总计不等于各项办理结果之和",
                    _now(f"{total.measure}.{col.key}"),
                    _now(*(f"{r.measure}.{col.key}" for r in results if r is not total)))
            for col in fmt.requests.column_leaves()]


def i3_balances(fmt: Format) -> list[Balance]:
    results = [r for _, r in fmt.appeals.columns if r != TOTAL]
    return [Balance("I3", f"表四「{leaf.key}」：总计不等于各项结果之和", _now(f"appeals.{leaf.measure}.{TOTAL}"),
                    _now(*(f"appeals.{leaf.measure}.{r}" for r in results)))
            for leaf in fmt.appeals.group_leaves()]


def i5_balances(fmt: Format) -> list[Balance]:
    return [Balance("I5", f"「{col.label}」列：本年上年结转（{{left}}）不等于上一年结转下年度继续办理（{{right}}）",
                    _now(f"requests.carried_in.{col.key}"), ((f"requests.carried_out.{col.key}", 1, True),))
            for col in fmt.requests.column_leaves()]


def i6_balances() -> list[Balance]:
    return [Balance("I6", f"{kind}：现行有效件数（{{left}}）不等于上年现行有效件数加本年制发减本年废止（{{right}}）",
                    _now(f"documents.in_force.{kind}"),
                    ((f"documents.in_force.{kind}", 1, True), (f"documents.issued.{kind}", 1, False),
                     (f"documents.repealed.{kind}", -1, False)), warning=True)
            for kind in ("规章", "行政规范性文件")]


def side(terms: tuple[Term, ...], now: Mapping[str, float | None],
         previous: Mapping[str, float | None] | None = None) -> float | None:
    """The sum of a side; None when one of its values is not known (a blank is not 0)."""
    total = 0.0
    for measure, sign, before in terms:
        value = (previous or {}).get(measure) if before else now.get(measure)
        if value is None:
            return None
        total += sign * value
    return total


def _unbalanced(balances: list[Balance], f: Figures, previous: Figures | None = None) -> list[Problem]:
    problems = []
    for b in balances:
        left, right = side(b.left, f, previous), side(b.right, f, previous)
        if not _close(left, right):
            problems.append(Problem(b.describe(left, right), rule=b.rule, warning=b.warning))
    return problems


def o1(fmt: Format, f: Figures) -> list[Problem]:
    return _unbalanced(o1_balances(fmt), f)


def i1(fmt: Format, f: Figures) -> list[Problem]:
    return _unbalanced(i1_balances(fmt), f)


def i2(fmt: Format, f: Figures) -> list[Problem]:
    return _unbalanced(i2_balances(fmt), f)


def i3(fmt: Format, f: Figures) -> list[Problem]:
    return _unbalanced(i3_balances(fmt), f)


def i4_fault(measure: str, value: float) -> str | None:
    """Why a value cannot be that figure (a negative count, a fraction of a count), or None."""
    amount = measure.endswith("_wan") or measure in ("requests.fee", "fact.政府信息公开专项经费万元")
    signed = measure.startswith("items.change.")  # 本年增/减 may be negative
    if (value < 0 and not signed) or (not amount and not float(value).is_integer()):
        return f"不是非负{'金额' if amount else '整数'}"
    return None


def i4(f: Figures) -> list[Problem]:
    return [Problem(f"数值 {key} = {value} {fault}", rule="I4")
            for key, value in f.items() if (fault := i4_fault(key, value))]


def i5(fmt: Format, f: Figures, previous: Figures) -> list[Problem]:
    return _unbalanced(i5_balances(fmt), f, previous)


def i6(f: Figures, previous: Figures) -> list[Problem]:
    return _unbalanced(i6_balances(), f, previous)


def c1(report: Report) -> list[Problem]:
    deadline = report.format.deadline_for(report.year)
    published = report.data.year_facts.published
    if published > deadline:
        return [Problem(f"发布日期 {published} 晚于法定期限 {deadline}", f"{report.year}/report.yaml",
                        rule="C1", warning=True)]
    return []


def shown_measures(fmt: Format) -> set[str]:
    """Every measure a format prints (table 三 rows by their 总计 column)."""
    shown = {i.measure for s in fmt.sections for i in s.indicators}
    shown |= {m for block in fmt.active for row in block.rows for m in row.measures}
    if fmt.requests is not None:
        shown |= {f"{leaf.measure}.{TOTAL}" for leaf in fmt.requests.row_leaves()}
    return shown


def _remedy(report: Report) -> str:
    year, fmt = report.year, report.format
    default = default_format_id(year)
    if fmt.id == default:
        return "请核对台账"
    return (f"{year}年度应使用{get_format(default).title}：请删除 {year}/report.yaml 中的「格式」项"
            f"（或改为“{default}”）")


def coverage(report: Report) -> list[Problem]:
    """F1: every ledger row of the year must be counted in a figure the format prints.

    A format other than the year's is a warning. The outcome rows a format shows must add up to all
    replies of the year (an outcome of the other era has no row, so it would silently count 0), and a
    decision, purchase or fee of the year needs a row too when the format is not the year's: errors.
    The year's own format reports what the law asks, no more (no 其他对外管理服务事项 from 2021 on).
    """
    fmt, year, ledgers = report.format, report.year, report.data.ledgers
    default = default_format_id(year)
    shown = shown_measures(fmt)
    problems = []
    if fmt.id != default:
        # Allowed (a re-issue in an old layout), but then every figure it cannot show is reported below.
        problems.append(Problem(
            f"{year}年度应使用{get_format(default).title}；「格式」“{fmt.id}”是{fmt.title}，"
            f"不适用于{year}年度；除非有意沿用旧格式，请删除「格式」项",
            f"{year}/report.yaml", rule="F1", warning=True))
    outcomes = [*vocabulary()["惯例办理结果"].values, *national_outcomes()]
    counted = {o for key, members in outcome_groups(outcomes).items()
               if f"requests.replied.{key}.{TOTAL}" in shown for o in members}
    requests = ledgers["requests"]
    lost = requests[in_year(requests["replied"], year) & ~requests["outcome"].isin(counted)
                    & (requests["outcome"] != "")]
    if len(lost):
        first = lost.iloc[0]
        problems.append(Problem(
            f"本年答复的 {len(lost)} 件申请（如本行“{first['outcome']}”）在{fmt.title}中没有对应的办理结果行，"
            f"报告会把它们计为 0；{_remedy(report)}",
            report.data.sources["requests"], int(first["_row"]), "办理结果", rule="F1"))
    families = (  # ledger, column header the message points at, column of the kind, measure of a row
        ("decisions", "类型", "type", "decisions.{}"),
        ("procurement", "采购日期", None, "procurement.count"),
        ("fees", "收费日期", None, "fees.total_wan"),
    )
    for stem, column, kind, measure in families if fmt.id != default else ():  # the year's format asks no more
        ledger = ledgers[stem]
        rows = ledger[in_year(ledger["date"], year)]
        if kind is not None:
            unshown = rows[~rows[kind].astype(str).map(measure.format).isin(shown)]
        else:
            unshown = rows.iloc[:0] if measure in shown else rows
        if len(unshown):
            first = unshown.iloc[0]
            what = f"（如本行“{first['type']}”）" if stem == "decisions" else ""
            problems.append(Problem(
                f"本年 {len(unshown)} 行{what}在{fmt.title}中没有对应的行，不会出现在报告中；{_remedy(report)}",
                report.data.sources[stem], int(first["_row"]), column, rule="F1"))
    return sorted(problems, key=lambda p: (p.file or "", p.row or 0))  # the order build prints them in


def run(report: Report) -> list[Problem]:
    """Every figure rule that applies to the report's format."""
    fmt, f = report.format, report.figures
    problems = i4(f) + c1(report) + coverage(report)
    requests = report.data.ledgers["requests"]
    if isinstance(report.data, RegionData):  # its members' rows together: counted once, named by each member
        problems += timeliness.t1_members(requests, report.year)
    else:
        problems += timeliness.t1(requests, report.year, report.data.sources["requests"])
    if fmt.requests is not None:
        ledgers, year = report.data.ledgers, report.year - 1
        previous = request_figures(ledgers["requests"], year) | document_figures(ledgers["documents"], year)
        problems += o1(fmt, f) + i1(fmt, f) + i2(fmt, f) + i3(fmt, f) + i5(fmt, f, previous) + i6(f, previous)
    return problems


_COUNT_UNITS = {"件", "条", "个", "次", "人", "名", "项", "笔", "起", "人次"}


def prose_phrases(fmt: Format, names: dict[str, float]) -> statements.Phrases:
    """Every phrase that states a figure of `fmt`: its names (with and without 数) and the format's own."""
    figures: dict[str, str | dict[str, str]] = {}
    for name in names:
        if name in ("年度", "上一年度", "下一年度") or name in fmt.prose_ratios:
            continue
        figures[re.escape(name)] = name
        figures.setdefault(re.escape(name.removesuffix("数")), name)
    figures |= fmt.stated_figures
    by_measure = {measure: name for name, measure in fmt.prose_names.items()}
    ratios = {by_measure[part]: name for name, (part, _) in fmt.prose_ratios.items() if part in by_measure}
    return statements.Phrases(figures, ratios)


def _comparable(stated: statements.Statement, unit: str) -> float | None:
    """The stated value in the figure's unit (元 → 万元), or None when the units cannot be compared."""
    if stated.unit == unit or (stated.unit in _COUNT_UNITS and unit in _COUNT_UNITS):
        return stated.value
    if stated.unit == "元" and unit == "万元":
        return stated.value / 10000
    return None


def stated_agrees(stated: statements.Statement, actual: float, unit: str) -> bool | None:
    """Whether a number of the prose equals the figure (万元 and % to the 2 decimals they are written
    with); None when the units cannot be compared."""
    value = _comparable(stated, unit)
    if value is None:
        return None
    return _close(round(value, 2) if unit in ("万元", "%") else value, actual)


def prose_numbers(report: Report) -> list[Problem]:
    """I7: every number the prose states about a figure, bound to its own phrase, equals the figure; a
    number next to a figure's phrase that cannot be checked is a warning."""
    fmt, names = report.format, report.names
    phrases = prose_phrases(fmt, names)
    problems = []
    for stem, (file, _) in report.data.narrative.items():
        text = report.filled_prose.get(stem, "")
        for stated in statements.find(text, phrases):
            line = text.count("\n", 0, stated.start) + 1
            if stated.name is None or stated.name not in names:
                problems.append(Problem(f"正文写“{stated.quote}”，无法确定这个数字对应表格中的哪一项，未能核对",
                                        file, line, rule="I7", warning=True))
                continue
            actual, unit = names[stated.name], fmt.unit(stated.name)
            agrees = stated_agrees(stated, actual, unit)
            if agrees is None:
                problems.append(Problem(
                    f"正文写“{stated.quote}”，但“{stated.name}”的单位是{unit}，未能核对", file, line,
                    rule="I7", warning=True))
            elif not agrees:
                problems.append(Problem(
                    f"正文写“{stated.quote}”，但计算结果是 {format_number(actual)}{unit}"
                    f"（{stated.name}）", file, line, rule="I7"))
    return problems
