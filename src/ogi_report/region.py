"""A region (汇总): a folder whose region.yaml names member bodies and sub-regions instead of ledgers.

Its report is the sum of its members' figures, each computed from the member's own ledgers by the
counting rules of figures.py (never from a published report), so that every cell of every table is
the sum of that cell over the bodies. The region has its own `<year>/report.yaml` (发布日期, 格式, 附录,
版本; no figures: those are summed) and `<year>/narrative/`, like a body.

Public API:
- `is_region(folder)`: whether a folder is a region (has region.yaml).
- `member_tree(folder)`: region.yaml read and every member resolved, sub-regions recursively; problems
  (cycles, a body counted twice, bad keys) come back with it, never raised.
- `region_inputs(folder, year)`: every file the region's report of `year` depends on, members' ledgers
  included, for the build's no-change check.
- `load_region_data(folder, year, strict)`: the region's data for `year`, an AgencyData whose
  `figures` is the sum over its bodies and whose ledgers are theirs concatenated (for charts and the
  previous year's figures of I5/I6). A member that cannot be counted (no folder, no ledgers, no
  report.yaml for the year) is a warning naming it, and a row of the appendix: never a silent 0.
  Bodies are loaded on every core when there are many, and each one's result is cached (`cache_dir`)
  under the hash of its inputs and of the code, so that an unchanged body is not read again.
- `member_table(data)`: the appendix listing each member and its main figures.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .figures import Figures, compute
from .formats import FORMAT_IDS, report_facts
from .ledgers import (
    LEDGERS,
    AgencyData,
    _read_yaml,
    agency_from,
    empty_ledger,
    find_ledger,
    load_agency_data,
    load_narrative,
    load_year_facts,
    read_agency_yaml,
)
from .narrative import format_number
from .problems import InputError, Problem
from .tables import Cell, Table

REGION_FILE = "region.yaml"
MEMBERS_KEY = "成员"
# Bodies loaded in this process below this count; above it, one worker process per core.
_PARALLEL_FROM = 16

# The appendix's columns: each member's main figures (our own headings, not an official table's).
MAIN_FIGURES = (
    ("主动公开政府信息（条）", "proactive.total"),
    ("本年新收申请（件）", "requests.received.总计"),
    ("本年办结申请（件）", "requests.replied.总计.总计"),
    ("结转下年度申请（件）", "requests.carried_out.总计"),
    ("行政复议（件）", "appeals.行政复议.总计"),
    ("行政诉讼（件）", "appeals.行政诉讼.总计"),
)


def is_region(folder: str | Path) -> bool:
    return (Path(folder) / REGION_FILE).is_file()


@dataclass(frozen=True)
class Member:
    """A member as region.yaml names it: a body folder, or a sub-region with its own members."""

    entry: str  # as written in region.yaml, e.g. ../某某街道
    path: Path  # resolved folder
    label: str  # where it is, relative to the top region folder (for messages)
    region: bool = False
    children: tuple[Member, ...] = ()
    missing: str = ""  # why it cannot be counted at all (no such folder); "" when it can

    def bodies(self) -> list[Member]:
        """The body folders under this member (itself for a body)."""
        if not self.region:
            return [self]
        return [b for child in self.children for b in child.bodies()]


@dataclass(frozen=True)
class RegionTree:
    folder: Path
    members: tuple[Member, ...]
    problems: tuple[Problem, ...]
    data: dict = field(default_factory=dict)  # region.yaml as read (名称, 简称, …)

    def bodies(self) -> list[Member]:
        return [b for m in self.members for b in m.bodies()]


def _relative(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _read_members(folder: Path, root: Path, chain: tuple[Path, ...], problems: list[Problem],
                  seen: dict[Path, str]) -> tuple[dict, tuple[Member, ...]]:
    file = _relative(folder / REGION_FILE, root)
    local: list[Problem] = []
    data = read_agency_yaml(folder, local, REGION_FILE) or {}
    problems.extend(Problem(p.message, file, p.row, p.column, p.rule, p.warning) for p in local)
    entries = data.get(MEMBERS_KEY)
    if not data:
        return data, ()
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(
            f"「{MEMBERS_KEY}」应为成员文件夹路径的列表（每行“- ../文件夹”），且至少有一个成员", file))
        return data, ()
    members = []
    written: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, str) or not entry.strip():
            problems.append(Problem(f"「{MEMBERS_KEY}」第{number}项“{entry}”应为成员文件夹的相对路径", file))
            continue
        entry = entry.strip()
        if Path(entry).is_absolute():
            problems.append(Problem(
                f"「{MEMBERS_KEY}」第{number}项“{entry}”应为相对于本文件夹的路径（如 ../某某街道），"
                "以便整个数据文件夹可以移动或复制", file))
            continue
        if entry in written:
            problems.append(Problem(f"「{MEMBERS_KEY}」中“{entry}”重复列出", file))
            continue
        written.add(entry)
        path = (folder / entry).resolve()
        label = _relative(path, root)
        if path in chain:
            loop = " → ".join([*(_relative(p, root) or "." for p in chain[chain.index(path):]), label])
            problems.append(Problem(f"成员关系形成循环：{loop}；一个片区不能（间接）包含它自己", file))
            continue
        if not path.is_dir():
            members.append(Member(entry, path, label, missing=f"文件夹 {label} 不存在"))
            continue
        if is_region(path):
            _, children = _read_members(path, root, (*chain, path), problems, seen)
            members.append(Member(entry, path, label, region=True, children=children))
            continue
        if path in seen:
            problems.append(Problem(f"机构 {label} 已经通过 {seen[path]} 计入汇总，不能重复计入", file))
            continue
        seen[path] = file
        if not (path / "agency.yaml").is_file():
            why = f"文件夹 {label} 中既没有 agency.yaml 也没有 {REGION_FILE}"
            members.append(Member(entry, path, label, missing=why))
            continue
        members.append(Member(entry, path, label))
    return data, tuple(members)


def member_tree(folder: str | Path) -> RegionTree:
    """region.yaml and its members, sub-regions resolved recursively; every problem collected."""
    folder = Path(folder).resolve()
    problems: list[Problem] = []
    data, members = _read_members(folder, folder, (folder,), problems, {})
    return RegionTree(folder, members, tuple(problems), data)


def region_inputs(folder: str | Path, year: int) -> list[Path]:
    """Every file a region's report of `year` depends on: its region.yaml and year folder, each
    sub-region's region.yaml, and every body's inputs (build.data_inputs)."""
    from .build import data_inputs

    tree = member_tree(folder)
    files = [tree.folder / REGION_FILE]
    year_dir = tree.folder / str(year)
    if year_dir.is_dir():
        files += [p for p in year_dir.rglob("*") if p.is_file()]

    def walk(member: Member) -> None:
        if member.region:
            files.append(member.path / REGION_FILE)
            for child in member.children:
                walk(child)
        elif member.path.is_dir():
            files.extend(data_inputs(member.path, year))

    for member in tree.members:
        walk(member)
    return sorted({p for p in files if p.is_file()})


# --- loading and summing -------------------------------------------------------------------------


@dataclass
class BodyResult:
    """One body's figures of the year, computed in whichever process loaded it."""

    label: str
    name: str = ""
    figures: Figures | None = None  # None: not counted (see `missing`, `errors`)
    missing: str = ""
    errors: list[Problem] = field(default_factory=list)
    ledgers: dict | None = None
    ledger_files: frozenset[str] = frozenset()  # stems whose file the body has


def _has_ledgers(folder: Path) -> bool:
    return any(find_ledger(folder, stem) for stem in LEDGERS)


def load_body(path: Path, label: str, year: int) -> BodyResult:
    """A member body's figures of `year` from its ledgers and report.yaml. Its prose is its own business;
    any other error (a ledger row, report.yaml) would make the sum wrong and is returned, named by the
    member's folder."""
    if not _has_ledgers(path):
        return BodyResult(label, missing="没有任何台账文件")
    if not (path / str(year) / "report.yaml").is_file():
        return BodyResult(label, missing=f"没有 {year}/report.yaml（该机构尚未开始{year}年度报告）")
    data = load_agency_data(path, year, strict=False)
    prose = f"{year}/narrative/"
    errors = [Problem(p.message, f"{label}/{p.file}" if p.file else label, p.row, p.column, p.rule)
              for p in data.warnings if not p.warning and not (p.file or "").startswith(prose)]
    name = data.agency.short_name if data.agency else label
    if errors or data.year_facts is None:
        return BodyResult(label, name, errors=errors)
    figures = compute(data.ledgers, data.year_facts.facts, year)
    files = frozenset(stem for stem, source in data.sources.items() if source is not None)
    return BodyResult(label, name, figures, ledgers=data.ledgers, ledger_files=files)


CACHE_ENV = "OGI_REPORT_CACHE"  # folder of the bodies' cached results; "off" turns the cache off


def cache_dir() -> Path | None:
    """Where a body's loaded ledgers and figures are kept between runs: $OGI_REPORT_CACHE, else
    $XDG_CACHE_HOME/ogi-report (~/.cache/ogi-report); None when the variable says "off"."""
    chosen = os.environ.get(CACHE_ENV, "")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ogi-report"


def _cache_key(path: Path, label: str, year: int) -> str:
    """Every byte the result depends on: the body's inputs (build.data_inputs), the year, the label its
    problems are named by, and the package's code. A changed ledger is a different key, never stale."""
    from .build import code_hash, inputs_hash

    text = "\0".join([code_hash(), inputs_hash(path, year), str(year), label])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_load_body(path: Path, label: str, year: int) -> BodyResult:
    """load_body, kept in the cache: reading a region's ledgers is most of a 汇总's time, and a body's
    ledgers rarely change between two builds of the region (or between the kernel and the build)."""
    folder = cache_dir()
    if folder is None:
        return load_body(path, label, year)
    file = folder / "bodies" / f"{_cache_key(path, label, year)}.pickle"
    try:
        with file.open("rb") as f:
            found = pickle.load(f)  # the user's own cache folder, written below
        if isinstance(found, BodyResult):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass  # not cached yet, or written by another version: load it
    result = load_body(path, label, year)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}")
        with tmp.open("wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    return result


def _load_body_args(args: tuple[Path, str, int]) -> BodyResult:
    return cached_load_body(*args)


def load_bodies(bodies: list[Member], year: int, workers: int | None = None) -> list[BodyResult]:
    """Every body loaded, in order; independent of each other, so on every core when there are many."""
    jobs = [(b.path, b.label, year) for b in bodies]
    workers = workers or os.cpu_count() or 1
    if len(jobs) < _PARALLEL_FROM or workers == 1:
        return [cached_load_body(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_load_body_args, jobs, chunksize=max(1, len(jobs) // (workers * 8))))


def sum_figures(figures: list[Figures]) -> Figures:
    """Cell by cell; amounts (万元) rounded to the cent again, since float sums drift."""
    if not figures:
        return {}
    out: Figures = {}
    for key in figures[0]:
        total = sum(f[key] for f in figures)
        out[key] = round(total, 2) if isinstance(total, float) else total
    return out


@dataclass
class MemberRow:
    """A line of the appendix: a direct member, its figures summed over its bodies, or why not counted."""

    entry: str
    name: str
    bodies: int
    region: bool
    figures: dict[str, float] | None
    missing: list[str]  # labels of bodies under it that are not counted, with the reason


@dataclass
class RegionData(AgencyData):
    """A region's data: figures summed over its bodies, their ledgers concatenated, its members."""

    figures: dict[str, float] = field(default_factory=dict)
    members: list[MemberRow] = field(default_factory=list)  # in region.yaml's order
    bodies: list[BodyResult] = field(default_factory=list)  # every body, counted or not


def _concat(frames: list, stem: str):
    import pandas as pd

    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty_ledger(stem)
    return pd.concat(frames, ignore_index=True)


def load_region_data(folder: str | Path, year: int, strict: bool = True, workers: int | None = None) -> RegionData:
    """Read and validate a region and its members for `year`; with `strict`, InputError lists every
    problem (region.yaml, report.yaml, prose, and each member's ledger errors) at once."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(f"汇总数据文件夹不存在：{folder}")])
    tree = member_tree(folder)
    problems = list(tree.problems)
    agency = agency_from(tree.data, folder, problems, REGION_FILE, (MEMBERS_KEY,)) if tree.data else None
    year_facts = load_year_facts(folder, year, problems)
    raw = _read_yaml(folder / str(year) / "report.yaml", [], f"{year}/report.yaml", root=folder) or {}
    for key in report_facts():
        if key in raw:
            problems.append(Problem(f"汇总报告的数字由各成员的台账和 report.yaml 相加得出，不填写「{key}」；"
                                    "请删除此项，并在各成员的 report.yaml 中填写", f"{year}/report.yaml"))
    narrative = {}
    if year_facts is not None and year_facts.format_id in FORMAT_IDS:
        narrative = load_narrative(folder, year, year_facts.format_id, problems)

    bodies = tree.bodies()
    loadable = [b for b in bodies if not b.missing]
    loaded = {r.label: r for r in load_bodies(loadable, year, workers)}
    results = [loaded.get(b.label) or BodyResult(b.label, missing=b.missing) for b in bodies]
    for r in results:
        problems.extend(r.errors)
        if r.missing:
            problems.append(Problem(f"成员 {r.label} 未计入汇总：{r.missing}；汇总数字不含该成员", REGION_FILE,
                                    warning=True))
    counted = [r for r in results if r.figures is not None]
    empty = {stem: _concat([], stem) for stem in LEDGERS}
    figures = sum_figures([r.figures for r in counted]) or compute(empty, {}, year)
    ledgers = {stem: _concat([r.ledgers[stem] for r in counted], stem) for stem in LEDGERS}
    # A ledger no counted body has is missing (counted as 0, said in the log), as for one body.
    sources = {stem: f"各成员的 {stem} 台账" if any(stem in r.ledger_files for r in counted) else None
               for stem in LEDGERS}
    by_label = {r.label: r for r in results}
    rows = []
    for m in tree.members:
        under = [by_label[b.label] for b in m.bodies()]
        missing = [f"{r.label}（{r.missing or '台账有错误'}）" for r in under if r.figures is None]
        if m.missing:
            missing.append(f"{m.label}（{m.missing}）")
        name = m.label if m.region or not under else under[0].name or m.label
        if m.region:
            name = _short_name(m.path) or m.label
        figs = [r.figures for r in under if r.figures is not None]
        rows.append(MemberRow(m.entry, name, len(under), m.region, sum_figures(figs) if figs else None, missing))
    if strict and any(not p.warning for p in problems):
        raise InputError(problems)
    return RegionData(agency, year_facts, ledgers, sources, narrative, problems, figures=figures, members=rows,
               bodies=results)


def _short_name(folder: Path) -> str:
    data = read_agency_yaml(folder, [], REGION_FILE) or {}
    value = data.get("简称") or data.get("名称")
    return value.strip() if isinstance(value, str) else ""


def member_table(data: RegionData, year: int) -> Table:
    """附: every direct member with its main figures (a sub-region summed over its bodies), members that
    are not counted said so in words, and the total over all counted bodies."""
    width = 1 + len(MAIN_FIGURES)
    table = Table(f"附：{year}年汇总范围及各成员主要数据", "ogi-members",
                  columns=["item"] + ["number"] * len(MAIN_FIGURES))
    table.head.append([Cell("成员", kind="head"), *(Cell(label, kind="head") for label, _ in MAIN_FIGURES)])
    for row in data.members:
        name = f"{row.name}（片区，{row.bodies} 个机构）" if row.region else row.name
        if row.figures is None:
            table.body.append([Cell(name), Cell(f"未计入：{'；'.join(row.missing)}", colspan=width - 1)])
            continue
        table.body.append([Cell(name), *(Cell(format_number(row.figures[m]), kind="number") for _, m in MAIN_FIGURES)])
        if row.missing:
            table.body.append([Cell(f"其中未计入：{'；'.join(row.missing)}", colspan=width, kind="note")])
    table.body.append([Cell("合计"), *(Cell(format_number(data.figures[m]), kind="number") for _, m in MAIN_FIGURES)])
    return table
