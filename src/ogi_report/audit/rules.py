"""The consistency rules, by the ids of checks.py, on a report someone else published.

Each rule gives findings in one of four states. A cell that was not filled (blank, "/", "无"…) or that
the report does not have makes a rule that needs it 无法判断, never 通过 or 不通过: a blank is not 0.
The sums are checks.py's own equations (`checks.Balance`) and I7 binds numbers with statements.py,
so an agency's build and an office's audit apply the same arithmetic.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

from .. import checks, statements
from ..formats import Format, default_format_id, get_format
from ..narrative import format_number
from ..tables import section_table
from .layout import FORMAT_IDS
from .model import PublishedCell, PublishedReport

PASS, FAIL, UNKNOWN, NOT_APPLICABLE = "通过", "不通过", "无法判断", "不适用"
STATES = (PASS, FAIL, UNKNOWN, NOT_APPLICABLE)
RULES = ("读取", "O1", "I1", "I2", "I3", "I4", "I5", "I6", "I7", "C1", "C2", "C3", "C4", "C5")
RULE_NAMES = {
    "读取": "文件读取与表格识别",
    "O1": "表三各列：第一项加第二项等于第三项加第四项",
    "I1": "表三各行：总计等于各类申请人之和",
    "I2": "表三各列：总计等于各项办理结果之和",
    "I3": "表四：总计等于各项结果之和",
    "I4": "数值为非负整数（金额为非负数）",
    "I5": "上年结转等于上一年报告的结转下年度",
    "I6": "现行有效件数与上一年衔接（提示）",
    "I7": "正文中的数字与表格一致",
    "C1": "发布日期不晚于法定期限",
    "C2": "六个部分齐全",
    "C3": "“存在的主要问题及改进情况”有实际内容",
    "C4": "第六部分说明信息处理费收取情况",
    "C5": "与上一年报告内容雷同",
}
# C5: a part whose sentences are at least this share repeated from last year's is 雷同.
SIMILAR_SHARE = 0.5
SIMILAR_RATIO = 0.9  # two sentences this alike (difflib ratio, numbers ignored) are nearly identical
_MIN_SENTENCES = 3   # fewer substantive sentences than this: too little text to call it copied
_MIN_SENTENCE_CHARS = 8


@dataclass(frozen=True)
class Finding:
    """One rule evaluated on one set of cells (or on the text) of one report: a line of findings.csv."""

    report: str
    rule: str
    state: str
    table: str = ""
    row: str = ""
    column: str = ""
    detail: str = ""


# ---------------------------------------------------------------------------------------------- cells


class _Recorder(dict):
    """A Figures stand-in that remembers which measure each table cell asks for, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def __getitem__(self, measure: str) -> float:
        self.asked.append(measure)
        return 0.0


@cache
def cell_measures(format_id: str) -> dict[tuple[str, str, str], str]:
    """(table, row, column) of figures.csv → the measure it shows, from the same walk that writes it."""
    fmt = get_format(FORMAT_IDS[format_id])
    out: dict[tuple[str, str, str], str] = {}
    for section in fmt.sections:
        recorder = _Recorder()
        table = section_table(fmt, section, recorder)
        if table is None:
            continue
        for record, measure in zip(table.records, recorder.asked, strict=True):
            out.setdefault((record.table, record.row, record.column), measure)
    return out


@dataclass
class Values:
    """A report's figures by measure: the number (None: not filled) and the cells it was read from."""

    numbers: dict[str, float | None]
    cells: dict[str, list[PublishedCell]]

    def get(self, measure: str, default: float | None = None) -> float | None:
        return self.numbers.get(measure, default)


def values_of(report: PublishedReport) -> Values:
    """The published cells by measure, with the group sums the prose names (不予公开, 行政诉讼)."""
    numbers: dict[str, float | None] = {}
    cells: dict[str, list[PublishedCell]] = {}
    if report.format_id not in FORMAT_IDS:
        return Values(numbers, cells)
    measures = cell_measures(report.format_id)
    for cell in report.cells:
        measure = measures.get((cell.table, cell.row, cell.column))
        if measure is not None and measure not in numbers:
            numbers[measure], cells[measure] = cell.value, [cell]
    groups: dict[str, list[str]] = {}
    for measure in numbers:
        if measure.startswith("requests.replied.") and "/" in measure:
            head, rest = measure.removeprefix("requests.replied.").split("/", 1)
            groups.setdefault(f"requests.replied.{head}.{rest.rsplit('.', 1)[1]}", []).append(measure)
        elif measure.startswith("appeals.行政诉讼"):
            groups.setdefault(f"appeals.行政诉讼.{measure.rsplit('.', 1)[1]}", []).append(measure)
    for group, members in groups.items():
        if group in numbers:
            continue
        parts = [numbers[m] for m in members]
        numbers[group] = None if any(p is None for p in parts) else sum(parts)  # type: ignore[misc]
        cells[group] = [c for m in members for c in cells[m]]
    return Values(numbers, cells)


def _cell_name(cell: PublishedCell) -> str:
    return f"{cell.table[:2]}「{cell.row}」「{cell.column}」"


def _cell_text(cell: PublishedCell) -> str:
    value = "未填" if cell.value is None else format_number(cell.value)
    if cell.value is None and cell.text:
        value = f"未填（写作“{cell.text}”）"
    return f"{_cell_name(cell)}={value}（{cell.where}）"


def _place(cells: list[PublishedCell]) -> tuple[str, str, str]:
    """The table, and the row and column the cells share (empty when they differ)."""
    if not cells:
        return "", "", ""
    rows, columns = {c.row for c in cells}, {c.column for c in cells}
    return cells[0].table, rows.pop() if len(rows) == 1 else "", columns.pop() if len(columns) == 1 else ""


# ---------------------------------------------------------------------------------------- the tables


def _balance(report: PublishedReport, b: checks.Balance, now: Values, previous: Values | None,
             previous_name: str) -> Finding:
    """One equation on published cells: 无法判断 when a value it needs is not filled or not there."""
    used: list[PublishedCell] = []
    unknown: list[str] = []
    for measure, _, before in b.terms:
        values = previous if before else now
        year = f"上一年报告（{previous_name}）" if before else ""
        if values is None:
            unknown.append("未找到同一机构上一年度的报告")
            continue
        found = values.cells.get(measure, [])
        if not before:
            used += found
        if measure not in values.numbers:
            unknown.append(f"{year}报告中没有“{measure_label(measure, report.format_id)}”")
        elif values.numbers[measure] is None:
            unknown += [f"{year}{_cell_text(c)}" for c in found if c.value is None]
    table, row, column = _place(used or [c for m, _, _ in b.terms for c in now.cells.get(m, [])])
    sources = "；".join(_cell_text(c) for c in used)
    if b.rule in ("I5", "I6") and previous is not None:
        sources += "；" + "；".join(f"上一年{_cell_text(c)}" for m, _, before in b.terms if before
                                   for c in previous.cells.get(m, []))
    if unknown:
        return Finding(report.source, b.rule, UNKNOWN, table, row, column,
                       "无法核对：" + "；".join(dict.fromkeys(unknown)) + _already_over(b, now, previous))
    left, right = checks.side(b.left, now.numbers, previous.numbers if previous else None), \
        checks.side(b.right, now.numbers, previous.numbers if previous else None)
    assert left is not None and right is not None
    sums = f"左边 {format_number(left)}，右边 {format_number(right)}"
    if abs(left - right) < 1e-9:
        return Finding(report.source, b.rule, PASS, table, row, column, f"{sums}；{sources}")
    message = b.describe(left, right)
    if b.warning:  # I6 is a warning in checks.py as well: said as one, not as a contradiction
        message = f"提示（可能另有原因，请核实）：{message}"
    if "{left}" not in b.message:
        message += f"（{sums}）"
    return Finding(report.source, b.rule, FAIL, table, row, column, f"{message}；{sources}")


def _already_over(b: checks.Balance, now: Values, previous: Values | None) -> str:
    """A hint for the reader (the state stays 无法判断): one side is complete and the filled cells of the
    other already add up to more, so no count written in the blanks could make the two sides equal."""
    if any(sign < 0 for _, sign, _ in b.terms):
        return ""

    def known(terms: tuple[checks.Term, ...]) -> tuple[float, bool]:
        total, complete = 0.0, True
        for measure, _, before in terms:
            value = (previous.numbers if before and previous else now.numbers if not before else {}).get(measure)
            complete &= value is not None
            total += value or 0
        return total, complete

    (left, left_done), (right, right_done) = known(b.left), known(b.right)
    if left_done and not right_done and right > left:
        return f"。提示：已填部分之和（{format_number(right)}）已大于另一边（{format_number(left)}），请核实"
    if right_done and not left_done and left > right:
        return f"。提示：已填部分之和（{format_number(left)}）已大于另一边（{format_number(right)}），请核实"
    return ""


def measure_label(measure: str, format_id: str | None) -> str:
    """A measure as the report's reader knows it: its table, row and column."""
    if format_id in FORMAT_IDS:
        for (table, row, column), m in cell_measures(format_id).items():
            if m == measure:
                return f"{table[:2]}「{row}」「{column}」"
    return measure


@cache
def _balances(format_id: str, rule: str) -> list[checks.Balance]:
    fmt = get_format(format_id)
    return {"O1": checks.o1_balances, "I1": checks.i1_balances, "I2": checks.i2_balances,
            "I3": checks.i3_balances, "I5": checks.i5_balances}[rule](fmt) if rule != "I6" else checks.i6_balances()


def _i4(report: PublishedReport, values: Values) -> Iterator[Finding]:
    """Per table: each faulty value a 不通过; otherwise one 通过 naming how many cells were checked."""
    measures = cell_measures(report.format_id)  # type: ignore[arg-type]
    by_table: dict[str, list[PublishedCell]] = {}
    for cell in report.cells:
        by_table.setdefault(cell.table, []).append(cell)
    for table, cells in by_table.items():
        faults = 0
        for cell in cells:
            measure = measures.get((cell.table, cell.row, cell.column))
            if cell.value is None or measure is None:
                continue
            if fault := checks.i4_fault(measure, cell.value):
                faults += 1
                yield Finding(report.source, "I4", FAIL, table, cell.row, cell.column,
                              f"{format_number(cell.value)} {fault}；{_cell_text(cell)}")
        if not faults:
            filled = sum(c.value is not None for c in cells)
            blank = len(cells) - filled
            state = PASS if filled else UNKNOWN
            yield Finding(report.source, "I4", state, table, "", "",
                          f"{filled} 个已填单元格均为非负整数或金额" + (f"；{blank} 个未填，未核对" if blank else ""))


# ------------------------------------------------------------------------------------------ the prose


_CLAIM_KEPT = re.compile(r"(?:均|全部|都)(?:已)?(?:获|被|予以|得到)?(?:依法)?维持")
_CLAIM_NOT_CORRECTED = re.compile(r"(?:无|未|没有|未发生|零)(?:被)?(?:依法)?纠(?:错|正)")
_CLAIM_NONE = re.compile(r"(?:未发生|没有发生|未出现|无|未收到|没有)[^，。；,;]{0,14}?(行政复议|行政诉讼)")
_SUBJECTS = {"行政复议": "appeals.行政复议", "行政诉讼": "appeals.行政诉讼"}


def _names(fmt: Format, values: Values) -> dict[str, float | None]:
    """The prose names the report's tables can check: figure names with a cell, and their percentages."""
    names: dict[str, float | None] = {}
    for name, measure in fmt.prose_names.items():
        if measure in values.numbers:
            names[name] = values.numbers[measure]
    for name, (part, whole) in fmt.prose_ratios.items():
        if part in values.numbers and whole in values.numbers:
            p, w = values.numbers[part], values.numbers[whole]
            names[name] = None if p is None or w is None or not w else 100 * p / w
    return names


@cache
def _phrases(format_id: str) -> statements.Phrases:
    """Every phrase of the format's figures, as our own I7 uses them (compiled once per process)."""
    fmt = get_format(format_id)
    return checks.prose_phrases(fmt, dict.fromkeys([*fmt.prose_names, *fmt.prose_ratios], 1.0))


def _ratio_agrees(stated: float, actual: float) -> bool:
    # A percentage is written rounded (33.9%, or 34%): it agrees within the rounding it was written with.
    return abs(stated - actual) <= (0.5 if float(stated).is_integer() else 0.05) + 1e-9


def _i7(report: PublishedReport, fmt: Format, values: Values) -> Iterator[Finding]:
    names = _names(fmt, values)
    phrases = _phrases(fmt.id)
    for heading, text in report.sections.items():
        for stated in statements.find(text, phrases):
            quote = f"正文（{heading}）写“{stated.quote}”"
            if stated.name is None and stated.unit == "%":  # 同比增长15%: not a share of a table's figure
                yield Finding(report.source, "I7", NOT_APPLICABLE, "", "", "", f"{quote}：不是表格中数字的占比")
                continue
            if stated.name is None:
                yield Finding(report.source, "I7", UNKNOWN, "", "", "", f"{quote}，无法确定这个数字对应表格中的哪一项")
                continue
            if stated.name not in names:
                yield Finding(report.source, "I7", NOT_APPLICABLE, "", "", "",
                              f"{quote}：“{stated.name}”不在本报告的表格中，无从核对")
                continue
            measure = fmt.prose_names.get(stated.name) or fmt.prose_ratios[stated.name][0]
            cells = values.cells.get(measure, [])
            if stated.name in fmt.prose_ratios:
                cells = cells + values.cells.get(fmt.prose_ratios[stated.name][1], [])
            table, row, column = _place(cells)
            sources = "；".join(_cell_text(c) for c in cells)
            actual = names[stated.name]
            if actual is None:
                yield Finding(report.source, "I7", UNKNOWN, table, row, column,
                              f"{quote}；表格中相应单元格未填或为 0，无法核对：{sources}")
                continue
            unit = fmt.unit(stated.name)
            if unit == "%":
                agrees: bool | None = _ratio_agrees(stated.value, actual)
                shown = f"{actual:.1f}%"
            else:
                agrees = checks.stated_agrees(stated, actual, unit)
                shown = f"{format_number(actual)}{unit}"
            if agrees is None:
                yield Finding(report.source, "I7", UNKNOWN, table, row, column,
                              f"{quote}，但“{stated.name}”的单位是{unit}，无法核对；{sources}")
            else:
                yield Finding(report.source, "I7", PASS if agrees else FAIL, table, row, column,
                              f"{quote}，表格为 {shown}（{stated.name}）；{sources}")
    yield from _claims(report, values)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[。！？!?；;\n]", text) if s.strip()]


def _claims(report: PublishedReport, values: Values) -> Iterator[Finding]:
    """均获维持 / 无被纠错 / 未发生行政复议 against 表四."""
    for heading, text in report.sections.items():
        for sentence in _sentences(text):
            subjects = [s for s in _SUBJECTS if s in sentence]
            checks_: list[tuple[str, str, list[str]]] = []  # (claim, subject, measures that must be 0)
            for subject in subjects:
                prefix = _SUBJECTS[subject]
                # "未发生行政复议、行政诉讼案件": the claim covers every subject named after it.
                none = _CLAIM_NONE.search(sentence)
                if (none and sentence.find(subject, none.start()) >= 0
                        and not re.search(r"\d|[一二两三四五六七八九十]+件", sentence)):
                    checks_.append((none.group(0), subject, [f"{prefix}.总计"]))
                elif kept := _CLAIM_KEPT.search(sentence):
                    checks_.append((kept.group(0), subject, [f"{prefix}.纠正", f"{prefix}.其他"]))
                elif fixed := _CLAIM_NOT_CORRECTED.search(sentence):
                    checks_.append((fixed.group(0), subject, [f"{prefix}.纠正"]))
            for claim, subject, measures in checks_:
                cells = [c for m in measures for c in values.cells.get(m, [])]
                table, row, column = _place(cells)
                quote = f"正文（{heading}）写“{sentence[:60]}”（{claim}，{subject}）"
                sources = "；".join(_cell_text(c) for c in cells)
                numbers = [values.numbers.get(m) for m in measures]
                if any(m not in values.numbers for m in measures) or any(n is None for n in numbers):
                    yield Finding(report.source, "I7", UNKNOWN, table, row, column,
                                  f"{quote}；表四相应单元格未填或缺少，无法核对：{sources}")
                else:
                    ok = all(n == 0 for n in numbers)
                    yield Finding(report.source, "I7", PASS if ok else FAIL, table, row, column,
                                  f"{quote}；表四：{sources}")


# ------------------------------------------------------------------------------------- the structure


def _c1(report: PublishedReport, fmt: Format, year: int | None) -> Finding:
    if year is None:
        return Finding(report.source, "C1", UNKNOWN, detail="未能确定报告年度")
    if not report.published:
        return Finding(report.source, "C1", UNKNOWN, detail="页面和正文中未找到发布日期")
    deadline = fmt.deadline_for(year)
    published = date.fromisoformat(report.published)
    state = PASS if published <= deadline else FAIL
    return Finding(report.source, "C1", state, detail=f"发布日期 {published}，法定期限 {deadline}")


def _c2(report: PublishedReport, fmt: Format) -> Finding:
    expected = [s.heading for s in fmt.sections]
    missing = [h for h in expected if h not in report.sections]
    found = "、".join(report.headings) or "无"
    if missing:
        # A page cut by its CMS: the parts may be on the other pages, which were not read.
        state, note = (UNKNOWN, "网页分页显示，只读取了本页；本页") if report.more_pages else (FAIL, "")
        return Finding(report.source, "C2", state, detail=f"{note}缺少：{'、'.join(missing)}；找到的标题：{found}")
    return Finding(report.source, "C2", PASS, detail=f"{len(expected)} 个部分齐全")


_EMPTY_PROSE = re.compile(r"^[\s　]*(?:无|暂无|没有|无。|暂无。|/|-|—)?[\s　。.]*$")


def _problems_part(fmt: Format) -> str:
    return next(s.heading for s in fmt.sections if "存在" in s.heading)


def _c3(report: PublishedReport, fmt: Format) -> Finding:
    heading = _problems_part(fmt)
    if heading not in report.sections:
        return Finding(report.source, "C3", UNKNOWN, heading, detail="报告中未找到这一部分")
    text = report.sections[heading]
    if _EMPTY_PROSE.match(text):
        return Finding(report.source, "C3", FAIL, heading, detail=f"这一部分为空或只写“{text.strip()}”")
    return Finding(report.source, "C3", PASS, heading, detail=f"{len(text)} 字：{text[:40]}…")


def _c4(report: PublishedReport, fmt: Format) -> Finding:
    part = fmt.sections[-1]
    if fmt.id != "2021" or "信息处理费" not in part.statement:
        return Finding(report.source, "C4", NOT_APPLICABLE, detail=f"{fmt.title}不要求说明信息处理费")
    if part.heading not in report.sections and report.more_pages:
        detail = "网页分页显示，只读取了本页；本页没有第六部分"
        return Finding(report.source, "C4", UNKNOWN, part.heading, detail=detail)
    if part.heading not in report.sections:
        return Finding(report.source, "C4", FAIL, part.heading, detail="报告中没有第六部分，未说明信息处理费收取情况")
    text = report.sections[part.heading]
    sentence = next((s for s in _sentences(text) if "处理费" in s), None)
    if sentence is None:
        return Finding(report.source, "C4", FAIL, part.heading, detail="第六部分未说明信息处理费收取情况")
    return Finding(report.source, "C4", PASS, part.heading, detail=f"“{sentence[:60]}”")


# ------------------------------------------------------------------------------------------------ C5


def _normalised(sentence: str) -> str:
    # Numbers and years change from year to year in a copied sentence: they do not make it new.
    return re.sub(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+(?=[件条个次项年月日%])", "#",
                  re.sub(r"[\s　，,、“”\"'（）()：:]", "", sentence))


def repeated_sentences(text: str, last_year: str) -> tuple[list[str], int]:
    """The substantive sentences of `text` identical or nearly identical to one of `last_year`'s, and
    how many substantive sentences `text` has."""
    mine = [s for s in _sentences(text) if len(_normalised(s)) >= _MIN_SENTENCE_CHARS]
    theirs = {_normalised(s) for s in _sentences(last_year)}
    theirs_list = sorted(t for t in theirs if len(t) >= _MIN_SENTENCE_CHARS)
    repeated = []
    for sentence in mine:
        norm = _normalised(sentence)
        if norm in theirs:
            repeated.append(sentence)
            continue
        matcher = difflib.SequenceMatcher(None, "", norm, autojunk=False)
        for other in theirs_list:
            matcher.set_seq1(other)
            if (matcher.real_quick_ratio() >= SIMILAR_RATIO and matcher.quick_ratio() >= SIMILAR_RATIO
                    and matcher.ratio() >= SIMILAR_RATIO):
                repeated.append(sentence)
                break
    return repeated, len(mine)


def _c5(report: PublishedReport, previous: PublishedReport | None) -> Iterator[Finding]:
    if previous is None:
        yield Finding(report.source, "C5", UNKNOWN, detail="未找到同一机构上一年度的报告，无法比较")
        return
    for heading, text in report.sections.items():
        if heading not in previous.sections:
            continue
        repeated, total = repeated_sentences(text, previous.sections[heading])
        if total < _MIN_SENTENCES:
            yield Finding(report.source, "C5", NOT_APPLICABLE, heading,
                          detail=f"只有 {total} 个完整句子，文字太少，不判断是否雷同")
            continue
        share = len(repeated) / total
        state = FAIL if share >= SIMILAR_SHARE else PASS
        listed = "｜".join(f"“{s}”" for s in repeated)
        yield Finding(report.source, "C5", state, heading,
                      detail=f"{len(repeated)}/{total} 句（{share:.0%}）与上一年报告（{previous.source}）相同或几乎相同"
                             + (f"：{listed}" if repeated else ""))


# ---------------------------------------------------------------------------------------------- all


def reading_findings(report: PublishedReport) -> Iterator[Finding]:
    """What the reader could not do: problems, rows it could not recognise, cells the report lacks."""
    for problem in report.problems:
        yield Finding(report.source, "读取", UNKNOWN, detail=problem)
    for item in report.unrecognised:
        yield Finding(report.source, "读取", UNKNOWN, detail=f"未识别（{item.where}）：{item.text}")
    if report.missing:
        names = "、".join(f"{t[:2]}「{r}」「{c}」" for t, r, c in report.missing[:20])
        more = f"等 {len(report.missing)} 个" if len(report.missing) > 20 else ""
        yield Finding(report.source, "读取", UNKNOWN, detail=f"报告中没有这些单元格：{names}{more}")
    if report.format_id is None:
        yield Finding(report.source, "读取", UNKNOWN, detail="未识别出统计表格，按表格核对的规则无法判断")
    elif not (report.problems or report.unrecognised or report.missing):
        title = get_format(FORMAT_IDS[report.format_id]).title
        yield Finding(report.source, "读取", PASS, detail=f"识别为{title}，读出 {len(report.cells)} 个单元格")


def unreadable(source: str, reason: str) -> list[Finding]:
    """The one finding about a file that could not be read at all."""
    return [Finding(source, "读取", FAIL, detail=reason)]


def _table_rule(report: PublishedReport, fmt: Format, rule: str, values: Values,
                previous: PublishedReport | None, previous_values: Values | None) -> list[Finding]:
    """One equation rule of a recognised national template: a finding per equation it can ask."""
    shown = set(cell_measures(report.format_id).values())  # type: ignore[arg-type]
    balances = [b for b in _balances(fmt.id, rule) if all(m in shown for m, _, _ in b.terms)]
    if not balances:  # the 2019 template has no 本年废止 column: I6 cannot be asked of it
        return [Finding(report.source, rule, NOT_APPLICABLE, detail=f"{fmt.title}的表格中没有{rule}所需的数字")]
    if rule in ("I5", "I6") and previous is None:
        return [Finding(report.source, rule, UNKNOWN, detail="未找到同一机构上一年度的报告，无法核对")]
    if rule in ("I5", "I6") and previous.format_id not in FORMAT_IDS:  # type: ignore[union-attr]
        return [Finding(report.source, rule, UNKNOWN,
                        detail=f"上一年报告（{previous.source}）未识别出统计表格")]  # type: ignore[union-attr]
    name = previous.source if previous is not None else ""
    return [_balance(report, b, values, previous_values, name) for b in balances]


def audit(report: PublishedReport, previous: PublishedReport | None = None, year: int | None = None) -> list[Finding]:
    """Every rule on one published report (and last year's, for I5, I6 and C5)."""
    year = report.year or year
    findings = list(reading_findings(report))
    values = values_of(report)
    format_id = report.format_id
    fmt = get_format(FORMAT_IDS[format_id]) if format_id in FORMAT_IDS else (
        get_format(default_format_id(year)) if year else None)
    previous_values = values_of(previous) if previous is not None else None
    for rule in ("O1", "I1", "I2", "I3", "I4", "I5", "I6"):
        if format_id is None or fmt is None:
            findings.append(Finding(report.source, rule, UNKNOWN, detail="未识别出统计表格"))
        elif rule == "I4":
            findings += list(_i4(report, values))
        elif fmt.requests is None:
            findings.append(Finding(report.source, rule, NOT_APPLICABLE, detail=f"{fmt.title}没有这一勾稽关系"))
        else:
            findings += _table_rule(report, fmt, rule, values, previous, previous_values)
    if fmt is None:
        findings += [Finding(report.source, rule, UNKNOWN, detail="未能确定报告年度和模板")
                     for rule in ("I7", "C1", "C2", "C3", "C4", "C5")]
        return findings
    i7 = list(_i7(report, fmt, values)) if format_id in FORMAT_IDS else []
    findings += i7 or [Finding(report.source, "I7", NOT_APPLICABLE if format_id else UNKNOWN,
                               detail="正文中没有可与表格核对的数字" if format_id else "未识别出统计表格")]
    findings += [_c1(report, fmt, year), _c2(report, fmt), _c3(report, fmt), _c4(report, fmt)]
    findings += list(_c5(report, previous))
    order = {rule: i for i, rule in enumerate(RULES)}
    return sorted(findings, key=lambda f: order[f.rule])  # stable: each rule's findings in table order


def worst(states: list[str]) -> str:
    """The state a body × rule cell shows: the worst of its findings."""
    for state in (FAIL, UNKNOWN, PASS, NOT_APPLICABLE):
        if state in states:
            return state
    return ""


def counts(findings: list[Finding]) -> Mapping[str, int]:
    out = dict.fromkeys(STATES, 0)
    for f in findings:
        out[f.state] += 1
    return out
