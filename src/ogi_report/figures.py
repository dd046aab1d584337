"""Every figure of a report, computed from the typed ledgers and the year's facts by the counting rules
of spec/ledgers.md. Pure functions, no I/O.

Figures are keyed by measure names (`proactive.total`, `requests.replied.予以公开.自然人`, …) that the
format files refer to. Every valid key is present, zeros included, so that a typo in a format is a
KeyError rather than a silent 0. Grouped values (`requests.replied.不予公开.*`, `appeals.行政诉讼.*`)
are the sums of their members.

Each counting rule is a `Tally`: it puts every row of one ledger into at most one cell (and says what the
row adds: 1, its 数量, its amount), and a figure is the sum of some cells. The figures and the list of
rows behind each figure (`counted_rows`, for the reviewers' edition) both come from the same tallies, so
the rows a reviewer is shown are, by construction, the rows the figure counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .formats import national_outcomes, normative_category, report_facts, vocabulary

Figures = dict[str, float]

TOTAL = "总计"
PENDING = "尚未审结"


def _year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


def in_year(dates: pd.Series, year: int) -> pd.Series:
    start, end = _year_bounds(year)
    return (dates >= start) & (dates <= end)


def wan_yuan(yuan: float) -> float:
    """Yuan → 万元, rounded half-up to 2 decimals (spec/ledgers.md)."""
    return float((Decimal(repr(float(yuan))) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Tally:
    """One counting rule over one ledger: each row's cell (-1: not counted by this rule) and what it adds
    (`weights`: its 数量, its amount in yuan, ±1 for a change; None: 1 each). Each measure is the sum
    of some cells; an `amount` tally's measures are in 万元."""

    ledger: str
    cells: np.ndarray  # int, one per ledger row
    size: int  # number of cells
    measures: dict[str, tuple[int, ...]]
    weights: np.ndarray | None = None
    amount: bool = False

    def figures(self) -> Figures:
        if self.amount:  # summed per measure as pandas sums, so that rounding to 万元 sees the same total
            return {m: wan_yuan(pd.Series(self.weights[np.isin(self.cells, cells)]).sum())
                    for m, cells in self.measures.items()}
        sums = np.bincount(self.cells + 1, weights=self.weights, minlength=self.size + 1)[1:]  # -1: the first
        return {m: round(float(sums[list(cells)].sum())) for m, cells in self.measures.items()}

    def rows(self, measure: str) -> np.ndarray:
        """Positions (0-based, in ledger order) of the rows the measure adds up."""
        return np.flatnonzero(np.isin(self.cells, self.measures[measure]))

    def addends(self, positions: np.ndarray) -> np.ndarray:
        """What each of those rows adds (in yuan for an amount)."""
        return np.ones(len(positions), dtype=np.int64) if self.weights is None else self.weights[positions]


def _codes(column: pd.Series, values: Sequence[str]) -> np.ndarray:
    """Each row's index in `values`; `len(values)` for any other value (a blank), so that totals that
    count every row still can."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        lookup = np.array([values.index(c) if c in values else len(values) for c in column.cat.categories]
                          + [len(values)], dtype=np.int64)
        return lookup[column.cat.codes.to_numpy()]  # NaN's code -1 takes the last entry
    codes = pd.Categorical(column, categories=list(values)).codes.astype(np.int64)
    return np.where(codes < 0, len(values), codes)


def _where(mask: pd.Series | np.ndarray, cells: np.ndarray | int) -> np.ndarray:
    return np.where(np.asarray(mask, dtype=bool), cells, np.int64(-1))


def _sum(tallies: list[Tally]) -> Figures:
    out: Figures = {}
    for tally in tallies:
        out |= tally.figures()
    return out


def proactive_tallies(ledger: pd.DataFrame, year: int) -> list[Tally]:
    rows = in_year(ledger["date"], year).to_numpy()
    normative = rows & (ledger["category"].str.strip() == normative_category()).to_numpy()
    out = [Tally("proactive", _where(rows, 0), 1, {"proactive.total": (0,)}),
           Tally("proactive", _where(normative, 0), 1, {"proactive.normative": (0,)})]
    for channel in vocabulary()["渠道"].values:
        published = rows & ledger[f"channels.{channel}"].to_numpy(dtype=bool)
        out.append(Tally("proactive", _where(published, 0), 1, {f"proactive.channel.{channel}": (0,)}))
    return out


def document_tallies(ledger: pd.DataFrame, year: int) -> list[Tally]:
    _, end = _year_bounds(year)
    kinds = list(vocabulary()["文件类型"].values)
    kind = _codes(ledger["type"], kinds)
    published = ledger["published"].fillna(ledger["issued"])
    in_force = (ledger["issued"] <= end) & ~(ledger["repealed"] <= end)
    stages = {"issued": in_year(ledger["issued"], year), "repealed": in_year(ledger["repealed"], year),
              "published": in_year(published, year), "in_force": in_force}
    out = []
    for stage, mask in stages.items():
        measures = {f"documents.{stage}.{k}": (i,) for i, k in enumerate(kinds)}
        if stage == "issued":
            measures["documents.issued.all"] = tuple(range(len(kinds)))
        out.append(Tally("documents", _where(mask, kind), len(kinds) + 1, measures))
    return out


def decision_tallies(ledger: pd.DataFrame, year: int) -> list[Tally]:
    kinds = list(vocabulary()["决定类型"].values)
    cells = _where(in_year(ledger["date"], year), _codes(ledger["type"], kinds))
    return [Tally("decisions", cells, len(kinds) + 1, {f"decisions.{k}": (i,) for i, k in enumerate(kinds)},
                  weights=ledger["count"].to_numpy(dtype=np.int64))]


def fee_tallies(ledger: pd.DataFrame, year: int) -> list[Tally]:
    return [Tally("fees", _where(in_year(ledger["date"], year), 0), 1, {"fees.total_wan": (0,)},
                  weights=ledger["amount"].to_numpy(dtype=np.float64), amount=True)]


def item_tallies(ledger: pd.DataFrame, year: int) -> list[Tally]:
    """上一年项目数量 = in force on 31 Dec of the previous year; 本年增/减 = this year's end minus that:
    +1 for an item that came into force during the year, -1 for one that went out of it."""
    kinds = list(vocabulary()["事项类型"].values)
    kind = _codes(ledger["type"], kinds)

    def in_force(end: pd.Timestamp) -> np.ndarray:
        return ((ledger["established"] <= end) & ~(ledger["cancelled"] <= end)).to_numpy(dtype=bool)

    before, after = in_force(pd.Timestamp(year - 1, 12, 31)), in_force(pd.Timestamp(year, 12, 31))
    change = after.astype(np.int64) - before.astype(np.int64)
    return [
        Tally("items", _where(before, kind), len(kinds) + 1,
              {f"items.previous.{k}": (i,) for i, k in enumerate(kinds)}),
        Tally("items", _where(change != 0, kind), len(kinds) + 1,
              {f"items.change.{k}": (i,) for i, k in enumerate(kinds)}, weights=change),
    ]


def procurement_tallies(ledger: pd.DataFrame, year: int) -> list[Tally]:
    cells = _where(in_year(ledger["date"], year), 0)
    return [Tally("procurement", cells, 1, {"procurement.count": (0,)}),
            Tally("procurement", cells, 1, {"procurement.total_wan": (0,)},
                  weights=ledger["amount"].to_numpy(dtype=np.float64), amount=True)]


def _by_applicant(mask: pd.Series | np.ndarray, applicant: np.ndarray, prefix: str) -> Tally:
    applicants = vocabulary()["申请人类型"].values
    measures = {f"{prefix}.{a}": (i,) for i, a in enumerate(applicants)}
    measures[f"{prefix}.{TOTAL}"] = tuple(range(len(applicants) + 1))  # every row, whatever its type
    return Tally("requests", _where(mask, applicant), len(applicants) + 1, measures)


def outcome_groups(outcomes: list[str]) -> dict[str, list[str]]:
    """Each outcome key → the 办理结果 values it sums: itself, or its members for a group (`不予公开`)."""
    groups: dict[str, list[str]] = {o: [o] for o in outcomes}
    for o in outcomes:
        if "/" in o:
            groups.setdefault(o.split("/", 1)[0], []).append(o)
    return groups


def request_tallies(ledger: pd.DataFrame, year: int) -> list[Tally]:
    start, end = _year_bounds(year)
    received, replied = ledger["received"], ledger["replied"]
    applicants = list(vocabulary()["申请人类型"].values)
    applicant = _codes(ledger["applicant"], applicants)
    out = [
        _by_applicant(in_year(received, year), applicant, "requests.received"),
        _by_applicant((received < start) & ~(replied < start), applicant, "requests.carried_in"),
        _by_applicant((received <= end) & ~(replied <= end), applicant, "requests.carried_out"),
    ]
    replies = in_year(replied, year).to_numpy(dtype=bool)
    # One cell per (outcome, applicant), an extra one each for a value outside the lists; every outcome
    # key (a group too) adds up the cells of its members for the listed applicants.
    outcomes = [*vocabulary()["惯例办理结果"].values, *national_outcomes()]
    width = len(applicants) + 1
    outcome = _codes(ledger["outcome"], outcomes)
    position = {o: i for i, o in enumerate(outcomes)}
    measures: dict[str, tuple[int, ...]] = {}
    for key, members in outcome_groups(outcomes).items():
        for a, name in enumerate(applicants):
            measures[f"requests.replied.{key}.{name}"] = tuple(position[m] * width + a for m in members)
        measures[f"requests.replied.{key}.{TOTAL}"] = tuple(
            position[m] * width + a for m in members for a in range(len(applicants)))
    out.append(Tally("requests", _where(replies, outcome * width + applicant), (len(outcomes) + 1) * width,
                     measures))
    out.append(_by_applicant(replies, applicant, f"requests.replied.{TOTAL}"))
    methods = list(vocabulary()["申请方式"].values)
    out.append(Tally("requests", _where(in_year(received, year), _codes(ledger["method"], methods)),
                     len(methods) + 1, {f"requests.method.{m}": (i,) for i, m in enumerate(methods)}))
    fee = ledger["fee"].to_numpy(dtype=np.float64)
    out.append(Tally("requests", _where(replies, 0), 1, {"requests.fee": (0,)}, weights=fee, amount=True))
    out.append(Tally("requests", _where(replies & (fee > 0), 0), 1, {"requests.fee_count": (0,)}))
    return out


def appeal_tallies(ledger: pd.DataFrame, year: int) -> list[Tally]:
    start, end = _year_bounds(year)
    open_in_year = ((ledger["filed"] <= end) & ~(ledger["closed"] < start)).to_numpy(dtype=bool)
    types = list(vocabulary()["案件类型"].values)
    results = [*vocabulary()["案件结果"].values, PENDING]
    status = np.where((ledger["closed"] <= end).to_numpy(dtype=bool),
                      _codes(ledger["result"], results), results.index(PENDING))
    width = len(results) + 1
    groups = {t: [t] for t in types} | {"行政诉讼": [t for t in types if t.startswith("行政诉讼")]}
    measures: dict[str, tuple[int, ...]] = {}
    for group, members in groups.items():
        cells = [types.index(m) * width for m in members]
        for r, result in enumerate(results):
            measures[f"appeals.{group}.{result}"] = tuple(c + r for c in cells)
        measures[f"appeals.{group}.{TOTAL}"] = tuple(c + r for c in cells for r in range(width))
    return [Tally("appeals", _where(open_in_year, _codes(ledger["type"], types) * width + status),
                  (len(types) + 1) * width, measures)]


def proactive_figures(ledger: pd.DataFrame, year: int) -> Figures:
    return _sum(proactive_tallies(ledger, year))


def document_figures(ledger: pd.DataFrame, year: int) -> Figures:
    return _sum(document_tallies(ledger, year))


def decision_figures(ledger: pd.DataFrame, year: int) -> Figures:
    return _sum(decision_tallies(ledger, year))


def fee_figures(ledger: pd.DataFrame, year: int) -> Figures:
    return _sum(fee_tallies(ledger, year))


def item_figures(ledger: pd.DataFrame, year: int) -> Figures:
    return _sum(item_tallies(ledger, year))


def procurement_figures(ledger: pd.DataFrame, year: int) -> Figures:
    return _sum(procurement_tallies(ledger, year))


def request_figures(ledger: pd.DataFrame, year: int) -> Figures:
    return _sum(request_tallies(ledger, year))


def appeal_figures(ledger: pd.DataFrame, year: int) -> Figures:
    return _sum(appeal_tallies(ledger, year))


TALLIES = {
    "proactive": proactive_tallies, "documents": document_tallies, "decisions": decision_tallies,
    "fees": fee_tallies, "items": item_tallies, "procurement": procurement_tallies,
    "requests": request_tallies, "appeals": appeal_tallies,
}


def tallies(ledgers: dict[str, pd.DataFrame], year: int) -> list[Tally]:
    """Every counting rule of report year `year`, over every ledger."""
    return [t for stem, rule in TALLIES.items() for t in rule(ledgers[stem], year)]


def fact_figures(facts: dict[str, float]) -> Figures:
    out = {f"fact.{key}": facts.get(key, 0) for key in report_facts()}
    out["staff.total"] = out["fact.专职人员数"] + out["fact.兼职人员数"]
    return out


# Figures stated in report.yaml rather than counted from a ledger: measure → the report.yaml keys.
def fact_sources() -> dict[str, tuple[str, ...]]:
    return {f"fact.{key}": (key,) for key in report_facts()} | {"staff.total": ("专职人员数", "兼职人员数")}


def compute(ledgers: dict[str, pd.DataFrame], facts: dict[str, float], year: int) -> Figures:
    """All figures of report year `year`."""
    return _sum(tallies(ledgers, year)) | fact_figures(facts)


@dataclass(frozen=True)
class Counted:
    """The ledger rows behind one figure: which ledger, their positions in it and what each adds."""

    ledger: str
    positions: np.ndarray
    addends: np.ndarray
    amount: bool = False  # addends in yuan, the figure in 万元


@dataclass(frozen=True)
class Provenance:
    """Every ledger-counted measure → the rows it counts (one Counted per tally that feeds it), and the
    measures stated in report.yaml → the keys they come from."""

    counted: dict[str, list[Counted]] = field(default_factory=dict)
    stated: dict[str, tuple[str, ...]] = field(default_factory=dict)


def counted_rows(ledgers: dict[str, pd.DataFrame], year: int, measures: Sequence[str] | None = None) -> Provenance:
    """For each measure (all when None), the ledger rows the figure of `year` counts, by the very tallies
    `compute` sums."""
    wanted = None if measures is None else set(measures)
    counted: dict[str, list[Counted]] = {}
    for tally in tallies(ledgers, year):
        for measure in tally.measures:
            if wanted is None or measure in wanted:
                positions = tally.rows(measure)
                counted.setdefault(measure, []).append(
                    Counted(tally.ledger, positions, tally.addends(positions), tally.amount))
    stated = {m: keys for m, keys in fact_sources().items() if wanted is None or m in wanted}
    return Provenance(counted, stated)
