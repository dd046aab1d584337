"""Reply timeliness (rule T1): working days from receipt of an application to its reply.

The days are counted with chinesecalendar's record of China's official holidays and adjusted working
days (调休), never a hand-written list. The deadline is the one in force on the day of receipt: 20
working days, extendable by 20 (条例 2019 第三十三条, from 2019-05-15), before that 15 and 15 (条例 2007
第二十四条). The clock starts on the day after receipt, or after the corrected application arrived
(第三十条, 补正收到日期); days spent consulting third parties (征求意见天数) do not count (第三十三条第三款,
consultation under 第三十二条). A date outside the calendar's years is reported as such, never guessed.
Pure functions over the typed requests ledger; nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import chinese_calendar
import numpy as np
import pandas as pd

from .figures import in_year
from .problems import Problem

REVISED = date(2019, 5, 15)  # the revised 条例 took effect on this day
# Listed one by one up to this many a year, then counted in one more warning: no body replies late this
# often, and a synthetic ledger of millions of rows would otherwise print a hundred thousand lines.
MAX_LISTED = 1000


@dataclass(frozen=True)
class Deadline:
    days: int  # working days allowed
    extension: int  # at most this many more with approval (延期)
    article: str  # the article that sets them, as cited to the user


NEW_DEADLINE = Deadline(20, 20, "《政府信息公开条例》第三十三条")
OLD_DEADLINE = Deadline(15, 15, "2007年《政府信息公开条例》第二十四条")


@dataclass(frozen=True)
class Calendar:
    """Working days as a running count: workdays in (a, b] = count[b] − count[a]."""

    first: date
    last: date
    count: np.ndarray  # count[i]: working days from `first` to first + i days, inclusive

    def between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days after `start` up to and including `end` (datetime64[D] arrays; float, NaN where
        a date is missing or not covered)."""
        origin = np.datetime64(self.first, "D")
        a, b = (start - origin).astype(np.int64), (end - origin).astype(np.int64)  # NaT: a huge negative
        n = len(self.count)
        ok = (a >= 0) & (a < n) & (b >= 0) & (b < n)
        out = np.full(len(start), np.nan)
        out[ok] = self.count[b[ok]] - self.count[a[ok]]
        return out


@cache
def calendar() -> Calendar:
    """The calendar over every whole year chinesecalendar has data for."""
    years = [d.year for d in chinese_calendar.holidays]
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    days = pd.date_range(first, last, freq="D")
    workday = np.fromiter((chinese_calendar.is_workday(d.date()) for d in days), dtype=np.int64, count=len(days))
    return Calendar(first, last, np.cumsum(workday))


def replies(requests: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every application replied in `year` with its timing: `start` (receipt or 补正), `taken` (working
    days, consultation deducted; NaN when a date is outside the calendar), `allowed` (deadline with the
    approved extension), `overdue` and `covered`."""
    # a blank or invalid 收到日期 is a ledger error already (a preview still counts the other rows)
    rows = requests[in_year(requests["replied"], year) & requests["received"].notna()]
    received = rows["received"].to_numpy("datetime64[D]")
    replied = rows["replied"].to_numpy("datetime64[D]")
    corrected = rows["corrected"].to_numpy("datetime64[D]")
    start = np.where(np.isnat(corrected), received, corrected)
    consulted = rows["consulted"].to_numpy()
    extended = (rows["extended"].to_numpy(dtype=object) == "是")
    old = received < np.datetime64(REVISED, "D")
    base = np.where(old, OLD_DEADLINE.days, NEW_DEADLINE.days)
    extension = np.where(old, OLD_DEADLINE.extension, NEW_DEADLINE.extension)
    taken = np.maximum(calendar().between(start, replied) - consulted, 0)
    covered = ~np.isnan(taken)
    allowed = base + np.where(extended, extension, 0)
    return pd.DataFrame({
        "id": rows["id"].to_numpy(), "row": rows["_row"].to_numpy(), "received": received, "start": start,
        "replied": replied, "corrected": ~np.isnat(corrected), "consulted": consulted, "extended": extended,
        "old": old, "taken": taken, "allowed": allowed, "covered": covered,
        "overdue": covered & (np.nan_to_num(taken) > allowed),
    })


def t1(requests: pd.DataFrame, year: int, file: str | None) -> list[Problem]:
    """T1: a warning for every application replied in `year` after its deadline, naming its 编号 and
    the working days it took; and one for every reply whose dates the calendar does not cover."""
    timed = replies(requests, year)
    file = file or "requests.csv"
    problems = []
    cal = calendar()
    overdue = timed[timed["overdue"]]
    for r in overdue.head(MAX_LISTED).itertuples():
        deadline = OLD_DEADLINE if r.old else NEW_DEADLINE
        notes = []
        if r.corrected:
            notes.append(f"自补正收到日期 {r.start:%Y-%m-%d} 起算")
        if r.consulted:
            notes.append(f"已扣除征求意见 {int(r.consulted)} 个工作日")
        note = f"（{'，'.join(notes)}）" if notes else ""
        if r.extended:
            limit = f"含延期共 {int(r.allowed)} 个工作日"
        elif r.taken <= deadline.days + deadline.extension:
            limit = f"{deadline.days} 个工作日；台账「延期」未填“是”"
        else:
            limit = f"{deadline.days} 个工作日，延期也最多 {deadline.days + deadline.extension} 个工作日"
        problems.append(Problem(
            f"编号“{r.id}”的申请 {r.received:%Y-%m-%d} 收到、{r.replied:%Y-%m-%d} 答复，用了 {int(r.taken)} 个工作日"
            f"{note}，超过{deadline.article}规定的答复期限（{limit}）",
            file, int(r.row), "答复日期", rule="T1", warning=True))
    if len(overdue) > MAX_LISTED:
        problems.append(Problem(
            f"另有 {len(overdue) - MAX_LISTED} 件申请超过答复期限（本年共 {len(overdue)} 件，最多用了 "
            f"{int(overdue['taken'].max())} 个工作日），未逐件列出", file, None, "答复日期", rule="T1", warning=True))
    uncovered = timed[~timed["covered"]]
    if len(uncovered) > MAX_LISTED:
        problems.append(Problem(
            f"另有 {len(uncovered) - MAX_LISTED} 件申请的日期超出节假日日历的范围，未检查是否超过答复期限",
            file, None, "答复日期", rule="T1", warning=True))
    for r in uncovered.head(MAX_LISTED).itertuples():
        later = r.replied > pd.Timestamp(cal.last)
        remedy = "请升级 chinesecalendar 后重新检查" if later else "请人工核对"
        problems.append(Problem(
            f"编号“{r.id}”的申请（{r.start:%Y-%m-%d} 起算、{r.replied:%Y-%m-%d} 答复）的日期超出节假日日历的范围"
            f"（{cal.first.year}–{cal.last.year}年），无法计算工作日，未检查是否超过答复期限；"
            f"{remedy}",
            file, int(r.row), "答复日期", rule="T1", warning=True))
    return problems


def t1_members(requests: pd.DataFrame, year: int) -> list[Problem]:
    """T1 for a region (汇总): its requests are its members' together, whose rows each member's own check
    names; the region's log says how many there are, once."""
    timed = replies(requests, year)
    late, unknown = int(timed["overdue"].sum()), int((~timed["covered"]).sum())
    problems = []
    if late:
        problems.append(Problem(f"各成员本年答复的申请中有 {late} 件超过答复期限；逐件的编号见各成员的检查"
                                "（ogi-report check）和区域概览", rule="T1", warning=True))
    if unknown:
        problems.append(Problem(f"各成员本年答复的申请中有 {unknown} 件的日期超出节假日日历的范围，"
                                "未检查是否超过答复期限", rule="T1", warning=True))
    return problems

