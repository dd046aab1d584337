"""Problems found in an agency's input or in a report's figures, and the error that carries them.

A problem names where it is (file, row as the user sees it in Excel, column) or which consistency
rule it breaks, and says what was expected, in Chinese. This module only describes problems.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

FIRST_YEAR = 2008  # 《政府信息公开条例》 took effect on 2008-05-01: no annual report before that year


@dataclass(frozen=True, order=True)
class Problem:
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    rule: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = []
        if self.rule:
            where.append(f"[{self.rule}]")
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"「{self.column}」列")
        kind = "警告" if self.warning else "错误"
        return f"{kind}：{' '.join(where)}：{self.message}" if where else f"{kind}：{self.message}"


class InputError(Exception):
    """Raised with every problem found, so that the user sees them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_position)
        super().__init__(self.text())

    def text(self, building: bool = True) -> str:
        """Every problem, one per line, under a count (and, for a build, the fact that nothing was written)."""
        count = sum(not p.warning for p in self.problems)
        outcome = "，报告未生成" if building else ""
        lines = [f"发现 {count} 个错误{outcome}：", *(f"  {p}" for p in self.problems)]
        return "\n".join(lines)

    def __reduce__(self):
        # The default pickles only the message; a worker process must hand back the problems themselves.
        return type(self), (self.problems,)


def _position(problem: Problem) -> tuple:
    return (problem.file or "", problem.row or 0, problem.column or "", problem.rule or "", problem.message)


def year_problem(year: object, file: str | None = None) -> Problem | None:
    """Why `year` cannot be a report year (a whole number from 2008 to next year), or None."""
    last = datetime.date.today().year + 1
    if isinstance(year, bool) or not isinstance(year, int):
        return Problem(f"年度“{year}”不是整数年份；应为 {FIRST_YEAR}–{last} 之间的年份，如 2021", file)
    if not FIRST_YEAR <= year <= last:
        return Problem(f"年度 {year} 不在 {FIRST_YEAR}–{last} 之间（《政府信息公开条例》自2008年施行）", file)
    return None
