"""The supervising office's overview of a region for one year (notebooks/overview.ipynb).

A region folder holds region.yaml naming its members (agency folders and sub-regions, by path relative
to it; read by region.member_tree, as for the 汇总 report). This module reads every body of the region,
runs each body's checks as its own build would, and computes the figures the office compares: requests,
公开率, 纠错率, proactive disclosure and reply timeliness (timeliness.py), for the year and the years
before. It returns HTML fragments and charts for the notebook. A member that cannot be read is shown as
missing, never counted as 0; a rate whose denominator is 0 is blank. Figures come from the counting
rules of figures.py, never from published reports.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import overview_cache, region, timeliness
from .figures import TOTAL, Figures, appeal_figures, proactive_figures, request_figures
from .formats import FORMAT_IDS, get_format
from .ledgers import LEDGERS, load_agency_data
from .narrative import format_number
from .problems import InputError, Problem
from .report import Fragment, Report, covered_years
from .tables import TEMPLATES

# Columns of the body × rule matrix: problems without a rule id are grouped by the file they are in.
RULES: dict[str, str] = {
    "台账": "台账格式和内容", "YAML": "agency.yaml、report.yaml", "文字稿": "文字稿齐全、数字名称正确",
    "O1": "表三各列收支平衡", "I1": "表三各行总计", "I2": "表三各列总计", "I3": "表四总计",
    "I4": "非负整数", "I5": "上年结转", "I6": "现行有效件数", "I7": "文字与表格一致",
    "F1": "格式与年度", "C1": "发布期限", "T1": "答复期限",
}
_NATIONAL_ONLY = ("O1", "I1", "I2", "I3", "I5", "I6")  # checks.run skips them for the customary format

# The figures compared across members: name → (unit, kind). Counts add up across members; rates do not.
METRICS: dict[str, tuple[str, str]] = {
    "收到申请": ("件", "count"), "办结申请": ("件", "count"), "公开率": ("%", "rate"),
    "行政复议纠错率": ("%", "rate"), "行政诉讼纠错率": ("%", "rate"), "主动公开": ("条", "count"),
    "逾期答复": ("件", "count"), "按期答复率": ("%", "rate"), "答复用时中位数": ("工作日", "days"),
}
_DISCLOSED = ("予以公开", "部分公开", "同意公开", "同意部分公开")  # both eras' outcomes that disclose


@dataclass(frozen=True)
class Member:
    """A body of the region, as region.yaml names it."""

    path: Path
    label: str  # where it is, relative to the region folder
    parent: str  # 简称 of the (sub-)region that lists it
    missing: str = ""  # why it cannot be read at all (region.member_tree), "" when it can


@dataclass(frozen=True)
class Region:
    folder: Path
    name: str
    short_name: str
    members: tuple[Member, ...]
    problems: tuple[Problem, ...]  # region.yaml's own: unreadable, a member listed twice, a cycle


def read_region(folder: str | Path) -> Region:
    """The region and every body in it, sub-regions expanded in the order listed (region.member_tree)."""
    folder = Path(folder)
    if not (folder / region.REGION_FILE).is_file():
        raise InputError([Problem(f"{folder} 不是区域文件夹：其中没有 {region.REGION_FILE}", region.REGION_FILE)])
    tree = region.member_tree(folder)
    name = str(tree.data.get("名称") or "").strip()
    short = str(tree.data.get("简称") or name).strip()
    members: list[Member] = []

    def walk(member: region.Member, parent: str) -> None:
        if member.region:
            own = str(region._short_name(member.path) or member.label)
            for child in member.children:
                walk(child, own)
        else:
            members.append(Member(member.path, member.label, parent, member.missing))

    for member in tree.members:
        walk(member, short or folder.name)
    return Region(folder, name, short, tuple(members), tree.problems)


@dataclass
class Body:
    """One member's state in the year: what is missing, each rule's outcome and its figures by year."""

    member: Member
    name: str
    slug: str
    missing: list[str] = field(default_factory=list)  # in words: 文件夹不存在, 没有台账, 缺少文字稿……
    absent_ledgers: list[str] = field(default_factory=list)  # ledger files not there (counted as 0)
    problems: list[Problem] = field(default_factory=list)
    checked: bool = False  # the report could be computed, so the figure rules ran
    national: bool = True  # the year's format has table 三 (the O1… rules apply)
    series: dict[int, dict[str, float | None]] = field(default_factory=dict)  # year → metric → value

    def rule_state(self, rule: str) -> tuple[str, str]:
        """(text, css class) of the matrix cell."""
        found = [p for p in self.problems if _rule_of(p) == rule]
        errors = sum(not p.warning for p in found)
        if errors:
            return f"错误 {errors}", "error"
        if found:
            return f"警告 {len(found)}", "warning"
        if rule in RULES and rule not in ("台账", "YAML", "文字稿") and not self.checked:
            return "未检查", "unchecked"
        if rule in _NATIONAL_ONLY and not self.national:
            return "不适用", "unchecked"
        return "通过", "ok"

    @property
    def errors(self) -> int:
        return sum(not p.warning for p in self.problems)

    @property
    def partial(self) -> bool:
        """Its ledgers have errors: its figures count only the valid rows (as a preview does)."""
        return any(not p.warning and _rule_of(p) == "台账" for p in self.problems)

    def label(self) -> str:
        return f"{self.name}＊" if self.partial else self.name


def _rule_of(problem: Problem) -> str:
    if problem.rule:
        return problem.rule
    file = problem.file or ""
    if "/narrative/" in file:
        return "文字稿"
    if file.endswith(".yaml"):
        return "YAML"
    return "台账"


def metrics(ledgers: dict[str, pd.DataFrame], year: int, f: Figures | None = None) -> dict[str, float | None]:
    """The compared figures of one body and year, from its figures `f` of that year when already
    computed; a rate without a denominator is None, not 0."""
    # only the ledgers compared (a third of figures.compute's time: 1,000 bodies × 5 years add up)
    f = f or (request_figures(ledgers["requests"], year) | appeal_figures(ledgers["appeals"], year)
              | proactive_figures(ledgers["proactive"], year))
    replied = f[f"requests.replied.{TOTAL}.{TOTAL}"]
    disclosed = sum(f[f"requests.replied.{o}.{TOTAL}"] for o in _DISCLOSED)
    out: dict[str, float | None] = {
        "收到申请": f[f"requests.received.{TOTAL}"], "办结申请": replied,
        "公开率": _percent(disclosed, replied), "主动公开": f["proactive.total"],
    }
    for kind, name in (("行政复议", "行政复议纠错率"), ("行政诉讼", "行政诉讼纠错率")):
        decided = f[f"appeals.{kind}.{TOTAL}"] - f[f"appeals.{kind}.尚未审结"]
        out[name] = _percent(f[f"appeals.{kind}.纠正"], decided)
    timed = timeliness.replies(ledgers["requests"], year)
    covered = timed[timed["covered"]]
    out["逾期答复"] = int(covered["overdue"].sum())
    out["按期答复率"] = _percent(len(covered) - out["逾期答复"], len(covered))
    out["答复用时中位数"] = float(covered["taken"].median()) if len(covered) else None
    return out


def _percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def read_body(member: Member, year: int, years: Sequence[int]) -> Body:
    """Everything the overview shows of one member, its checks run as `ogi-report check` runs them."""
    body = Body(member, member.label, member.path.name, series={y: dict.fromkeys(METRICS) for y in years})
    if member.missing:  # no folder, or neither agency.yaml nor region.yaml in it
        body.missing.append(member.missing)
        return body
    try:
        data = load_agency_data(member.path, year, strict=False)
    except InputError as exc:
        body.missing.append("无法读取")
        body.problems = exc.problems
        return body
    if data.agency is not None:
        body.name = data.agency.short_name or data.agency.name or body.name
    body.absent_ledgers = data.missing_ledgers()
    if len(body.absent_ledgers) == len(LEDGERS):
        body.missing.append("没有台账")
    if data.year_facts is None:
        body.missing.append(f"缺少 {year}/report.yaml")
    elif data.year_facts.format_id in FORMAT_IDS:
        fmt = get_format(data.year_facts.format_id)
        body.national = fmt.requests is not None
        absent = [s.narrative for s in fmt.sections
                  if s.table is None and not data.narrative.get(s.narrative, ("", ""))[1].strip()]
        if absent:
            body.missing.append(f"缺少文字稿：{'、'.join(absent)}")
    readable = data.agency is not None and data.year_facts is not None and data.year_facts.format_id in FORMAT_IDS
    figures = None
    if readable:
        report = Report(data)  # from the valid rows, as the notebook's preview: its errors are listed
        body.problems, body.checked, figures = report.problems, True, report.figures
    else:
        body.problems = data.warnings
    if "没有台账" not in body.missing:
        first, last = covered_years(data.ledgers, year)[0], _last_year(member.path, data.ledgers)
        for y in years:  # outside the years the ledgers are kept, the body's figures are unknown, not 0
            if first <= y <= last:
                body.series[y] = metrics(data.ledgers, y, figures if y == year else None)
    return body


def _last_year(folder: Path, ledgers: dict[str, pd.DataFrame]) -> int:
    """The last year the body's ledgers are kept for: its latest report year or latest record."""
    reports = [int(p.parent.name) for p in folder.glob("*/report.yaml") if p.parent.name.isdigit()]
    dates = [ledgers[stem][column].max() for stem, column in (("proactive", "date"), ("requests", "received"),
                                                               ("requests", "replied"))]
    return max([*reports, *(d.year for d in dates if not pd.isna(d))], default=0)


def _read_body(args: tuple[Member, int, tuple[int, ...], Path | None]) -> tuple[Body, str | None]:
    """A member read, or found in the cache folder (None: no cache); with its cache entry's name."""
    member, year, years, cache = args
    name = overview_cache.key(member, year, years) if cache is not None else None
    body = overview_cache.load(cache, name, member) if name else None
    if body is None:
        body = read_body(member, year, years)
        if name:
            overview_cache.save(cache, name, body)
    return body, name


@dataclass
class Overview:
    region: Region
    year: int
    years: tuple[int, ...]
    bodies: list[Body]
    fold: float = 3.0
    zero_years: int = 3
    report_link: str = "../../{slug}/{year}/report.html"

    # --- figures -------------------------------------------------------------------------------

    def table(self, year: int | None = None) -> pd.DataFrame:
        """One row per body: its metrics in `year` (None where unknown)."""
        year = year or self.year
        return pd.DataFrame([{"成员": b.name, **b.series[year]} for b in self.bodies],
                            columns=["成员", *METRICS])

    def totals(self) -> pd.DataFrame:
        """The region's counts by year, summed over the members whose ledgers cover the year and have no
        error; with how many members each year's sum covers."""
        rows = []
        for y in self.years:
            known = [b.series[y] for b in self.bodies
                     if not b.partial and b.series.get(y, {}).get("收到申请") is not None]
            total = {m: sum(s[m] for s in known) for m, (_, kind) in METRICS.items() if kind == "count"}
            rows.append({"年度": y, "成员数": len(known), **total})
        return pd.DataFrame(rows)

    def outliers(self) -> list[tuple[Body, str]]:
        """Members to look at, each with the reason in words."""
        found = []
        previous = self.year - 1
        for body in self.bodies:
            now, before = body.series.get(self.year, {}), body.series.get(previous, {})
            for metric in ("收到申请", "主动公开"):
                a, b = before.get(metric), now.get(metric)
                if a and b and max(a / b, b / a) > self.fold:
                    unit = METRICS[metric][0]
                    direction = "增至" if b > a else "降至"
                    found.append((body, f"{metric}从{previous}年的 {format_number(a)} {unit}{direction}"
                                        f"{self.year}年的 {format_number(b)} {unit}（{_fold(a, b)} 倍）"))
            recent = [body.series.get(y, {}).get("收到申请") for y in self.years[-self.zero_years:]]
            if len(recent) == self.zero_years and all(v == 0 for v in recent):
                found.append((body, f"连续 {self.zero_years} 年（{self.years[-self.zero_years]}—{self.year}年）"
                                    "未收到政府信息公开申请"))
        return found

    # --- HTML ----------------------------------------------------------------------------------

    def link(self, body: Body) -> str:
        return self.report_link.format(slug=body.slug, year=self.year)

    def header(self) -> Fragment:
        r = self.region
        problems = "".join(f"<li>{html.escape(str(p))}</li>" for p in r.problems)
        ok = sum(1 for b in self.bodies if not b.missing and not b.errors)
        return Fragment(
            f'<header class="ogi-title"><h1>{html.escape(r.name)}{self.year}年度政府信息公开工作概览</h1>'
            f'<p class="ogi-date">共 {len(self.bodies)} 个成员单位，其中 {ok} 个材料齐全且没有错误</p></header>'
            + (f'<ul class="ogi-problems">{problems}</ul>' if problems else ""))

    def missing(self) -> Fragment:
        rows = [[_cell(b.name, self.link(b)), _cell(b.member.parent), _cell("；".join(b.missing)),
                 _cell("、".join(f"{s}.csv" for s in b.absent_ledgers) or "—")]
                for b in self.bodies if b.missing or b.absent_ledgers]
        note = ("没有台账的成员不计入合计（不是按 0 计）；缺少个别台账的，相应数字按 0 计。" if rows
                else "全部成员的台账和文字稿齐全。")
        return _section("一、材料缺失的成员", note, ["成员", "所属", "缺少", "不存在的台账（按 0 计）"], rows)

    def matrix(self) -> Fragment:
        head = ["成员", "状态", *RULES]
        rows = []
        for b in self.bodies:
            state = ("材料缺失", "missing") if b.missing else (("有错误", "error") if b.errors else ("可以生成", "ok"))
            rows.append([_cell(b.name, self.link(b)), _cell(*state),
                         *(_cell(*b.rule_state(rule)) for rule in RULES)])
        legend = "；".join(f"{k}：{v}" for k, v in RULES.items())
        table = _section("二、各成员的检查结果", f"每个成员按本年度报告的全部规则检查（{legend}）。"
                         "各成员的问题逐条列在表下。", head, rows, css="ogi-matrix")
        details = TEMPLATES.get_template("overview_problems.html.j2").render(
            bodies=[(b.name, [str(p) for p in sorted(b.problems, key=lambda p: p.warning)])
                    for b in self.bodies if b.problems])
        return Fragment(table.markup + details)

    def rankings(self) -> Fragment:
        frame = self.table()
        head = ["成员", *(f"{m}（{METRICS[m][0]}）" for m in METRICS)]
        order = frame.sort_values(["收到申请", "主动公开"], ascending=False, na_position="last", kind="stable")
        rows = []
        for i in order.index:
            body = self.bodies[i]
            rows.append([_cell(body.label(), self.link(body)),
                         *(_number(frame.at[i, m]) for m in METRICS)])
        note = ("按收到申请数从多到少排列。公开率 =（予以公开 + 部分公开）÷ 办结；纠错率 = 纠正 ÷ 已审结；"
                "按期答复率和答复用时按国家法定节假日和调休计算工作日（规则 T1）；分母为 0 或台账未覆盖的年度留空。"
                "带＊的成员台账有错误，数字只统计了没有错误的行，不计入合计。")
        return _section(f"三、{self.year}年各成员主要数字", note, head, rows)

    def distributions(self) -> Fragment:
        return _charts("各成员主要数字的分布", self.distribution_charts())

    def trends(self) -> Fragment:
        return _charts("逐年变化图", self.trend_charts())

    def distribution_charts(self) -> list:
        from . import charts

        frame = self.table()
        found = []
        for metric in ("收到申请", "主动公开", "公开率", "按期答复率"):
            unit = METRICS[metric][0]
            values = frame[metric].dropna()
            if values.empty:
                continue
            if len(values) <= 25:
                ranked = frame.dropna(subset=[metric]).sort_values(metric, ascending=False, kind="stable")
                found.append(charts.bar_chart(f"{self.year}年各成员{metric}", list(ranked["成员"]),
                                              [float(v) for v in ranked[metric]], unit=unit, horizontal=True))
            else:
                labels, counts = _histogram(values.to_numpy(dtype=float), unit)
                found.append(charts.bar_chart(f"{self.year}年各成员{metric}的分布（{len(values)} 个成员）",
                                              labels, counts, unit="个成员"))
        return found

    def trend_charts(self) -> list:
        from . import charts

        totals = self.totals()
        labels = [f"{y}年" for y in self.years]
        found = [
            charts.line_chart(f"{self.years[0]}—{self.year}年全区域政府信息公开申请", labels,
                              {"收到申请": list(totals["收到申请"]), "办结申请": list(totals["办结申请"]),
                               "逾期答复": list(totals["逾期答复"])}, unit="件"),
            charts.line_chart(f"{self.years[0]}—{self.year}年全区域主动公开政府信息", labels,
                              {"主动公开": list(totals["主动公开"])}, unit="条"),
        ]
        # members whose ledgers cover every year: a year without ledgers is unknown, and must not plot as 0
        complete = [b for b in self.bodies if all(b.series[y]["收到申请"] is not None for y in self.years)]
        top = sorted(complete, key=lambda b: -b.series[self.year]["收到申请"])[:8]
        if top:
            which = "收到申请最多的 8 个" if len(complete) > 8 else "各年台账齐全的"
            found.append(charts.line_chart(f"各成员收到申请（{which}成员）", labels,
                                           {b.name: [b.series[y]["收到申请"] for y in self.years] for b in top},
                                           unit="件"))
        return found

    def trend_table(self) -> Fragment:
        head = ["成员", *(f"{y}年" for y in self.years)]
        rows = []
        for metric in ("收到申请", "主动公开"):
            for b in self.bodies:
                rows.append([_cell(f"{b.label()}：{metric}", self.link(b)),
                             *(_number(b.series[y][metric]) for y in self.years)])
        totals = self.totals()
        note = "全区域合计：" + "；".join(
            f"{y}年收到申请 {format_number(r['收到申请'])} 件、主动公开 {format_number(r['主动公开'])} 条"
            f"（{r['成员数']} 个成员）" for y, (_, r) in zip(self.years, totals.iterrows(), strict=True))
        return _section("四、逐年变化", note + "。合计只含台账没有错误的成员，按台账计算，"
                        "包括尚未开始本年度报告的成员，因此可能与汇总报告不同。空白表示该年度台账尚未开始记录。",
                        head, rows)

    def outlier_list(self) -> Fragment:
        items = "".join(
            f'<li><a href="{html.escape(self.link(b))}">{html.escape(b.name)}</a>：{html.escape(text)}</li>'
            for b, text in self.outliers())
        rule = (f"变化超过 {format_number(self.fold)} 倍，或连续 {self.zero_years} 年未收到申请。")
        body = f"<ul>{items}</ul>" if items else "<p>没有需要特别关注的成员。</p>"
        return Fragment(f'<section class="ogi-overview"><h2>五、需要关注的成员</h2><p>{html.escape(rule)}</p>'
                        f"{body}</section>")


def _charts(title: str, charts: list) -> Fragment:
    return Fragment(f'<section class="ogi-overview ogi-charts"><h3>{html.escape(title)}</h3>'
                    + "".join(c.html() for c in charts) + "</section>")


def _fold(a: float, b: float) -> str:
    return format_number(round(max(a / b, b / a), 1))


def _histogram(values: np.ndarray, unit: str) -> tuple[list[str], list[int]]:
    """Ten bins from the smallest to the largest value, labelled by their range."""
    low, high = float(values.min()), float(values.max())
    if low == high:
        return [f"{format_number(low)}{unit}"], [len(values)]
    edges = np.linspace(low, high, 11)
    counts, _ = np.histogram(values, bins=edges)
    labels = [f"{format_number(round(a, 1))}–{format_number(round(b, 1))}" for a, b in itertools.pairwise(edges)]
    return labels, [int(c) for c in counts]


@dataclass(frozen=True)
class _Cell:
    text: str
    css: str = ""
    href: str | None = None


def _cell(text: str, href_or_css: str | None = None, href: str | None = None) -> _Cell:
    """A text cell; the second argument is a link when it ends in .html, else a css class."""
    if href_or_css and href_or_css.endswith(".html"):
        return _Cell(text, "", href_or_css)
    return _Cell(text, href_or_css or "", href)


def _number(value: float | None) -> _Cell:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _Cell("", "blank")
    return _Cell(format_number(value), "number")


def _section(title: str, note: str, head: Iterable[str], rows: list[list[_Cell]], css: str = "") -> Fragment:
    return Fragment(TEMPLATES.get_template("overview_table.html.j2").render(
        title=title, note=note, head=list(head), rows=rows, css=css))


def load(region_dir: str | Path, year: int, *, history: int = 5, fold: float = 3.0, zero_years: int = 3,
         report_link: str = "../../{slug}/{year}/report.html", jobs: int = 1,
         cache: str | Path | None = None) -> Overview:
    """Read the region and every body; `history` years of figures up to `year`; bodies are read in
    `jobs` processes (each body is independent). With `cache` (a folder), a member whose inputs did not
    change since the last run with the same folder is not read again (overview_cache.py)."""
    region = read_region(region_dir)
    years = tuple(range(year - history + 1, year + 1))
    folder = Path(cache) if cache else None
    args = [(m, year, years, folder) for m in region.members]
    if jobs > 1 and len(args) > 1:
        with ProcessPoolExecutor(jobs) as pool:
            found = list(pool.map(_read_body, args, chunksize=max(1, len(args) // (4 * jobs))))
    else:
        found = [_read_body(a) for a in args]
    if folder is not None:
        overview_cache.prune(folder, {name for _, name in found if name})
    return Overview(region, year, years, [body for body, _ in found], fold, zero_years, report_link)
