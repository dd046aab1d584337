"""Every figure of a report, computed from the typed ledgers and the year's facts by the counting rules
of spec/ledgers.md. Pure functions, no I/O.

Figures are keyed by measure names (`proactive.total`, `requests.replied.予以公开.自然人`, …) that the
format files refer to. Every valid key is present, zeros included, so that a typo in a format is a
KeyError rather than a silent 0. Grouped values (`requests.replied.不予公开.*`, `appeals.行政诉讼.*`)
are the sums of their members.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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


def proactive_figures(ledger: pd.DataFrame, year: int) -> Figures:
    rows = ledger[in_year(ledger["date"], year)]
    out = {
        "proactive.total": len(rows),
        "proactive.normative": int((rows["category"].str.strip() == normative_category()).sum()),
    }
    for channel in vocabulary()["渠道"].values:
        out[f"proactive.channel.{channel}"] = int(rows[f"channels.{channel}"].sum())
    return out


def document_figures(ledger: pd.DataFrame, year: int) -> Figures:
    _, end = _year_bounds(year)
    published = ledger["published"].fillna(ledger["issued"])
    in_force = (ledger["issued"] <= end) & ~(ledger["repealed"] <= end)
    out: Figures = {}
    for kind in vocabulary()["文件类型"].values:
        of_kind = ledger["type"] == kind
        out[f"documents.issued.{kind}"] = int((of_kind & in_year(ledger["issued"], year)).sum())
        out[f"documents.repealed.{kind}"] = int((of_kind & in_year(ledger["repealed"], year)).sum())
        out[f"documents.published.{kind}"] = int((of_kind & in_year(published, year)).sum())
        out[f"documents.in_force.{kind}"] = int((of_kind & in_force).sum())
    kinds = vocabulary()["文件类型"].values
    out["documents.issued.all"] = sum(out[f"documents.issued.{k}"] for k in kinds)
    return out


def decision_figures(ledger: pd.DataFrame, year: int) -> Figures:
    counts = ledger.loc[in_year(ledger["date"], year)].groupby("type")["count"].sum()
    return {f"decisions.{kind}": int(counts.get(kind, 0)) for kind in vocabulary()["决定类型"].values}


def fee_figures(ledger: pd.DataFrame, year: int) -> Figures:
    return {"fees.total_wan": wan_yuan(ledger.loc[in_year(ledger["date"], year), "amount"].sum())}


def item_figures(ledger: pd.DataFrame, year: int) -> Figures:
    """上一年项目数量 = in force on 31 Dec of the previous year; 本年增/减 = this year's end minus that."""
    out: Figures = {}
    for kind in vocabulary()["事项类型"].values:
        of_kind = ledger[ledger["type"] == kind]

        def in_force(end: pd.Timestamp, rows: pd.DataFrame = of_kind) -> int:
            return int(((rows["established"] <= end) & ~(rows["cancelled"] <= end)).sum())

        previous = in_force(pd.Timestamp(year - 1, 12, 31))
        out[f"items.previous.{kind}"] = previous
        out[f"items.change.{kind}"] = in_force(pd.Timestamp(year, 12, 31)) - previous
    return out


def procurement_figures(ledger: pd.DataFrame, year: int) -> Figures:
    rows = ledger[in_year(ledger["date"], year)]
    return {"procurement.count": len(rows), "procurement.total_wan": wan_yuan(rows["amount"].sum())}


def _by_applicant(rows: pd.DataFrame, prefix: str) -> Figures:
    counts = rows["applicant"].value_counts()
    out = {f"{prefix}.{a}": int(counts.get(a, 0)) for a in vocabulary()["申请人类型"].values}
    out[f"{prefix}.{TOTAL}"] = len(rows)
    return out


def outcome_groups(outcomes: list[str]) -> dict[str, list[str]]:
    """Each outcome key → the 办理结果 values it sums: itself, or its members for a group (`不予公开`)."""
    groups: dict[str, list[str]] = {o: [o] for o in outcomes}
    for o in outcomes:
        if "/" in o:
            groups.setdefault(o.split("/", 1)[0], []).append(o)
    return groups


def request_figures(ledger: pd.DataFrame, year: int) -> Figures:
    start, end = _year_bounds(year)
    received, replied = ledger["received"], ledger["replied"]
    out: Figures = {}
    out |= _by_applicant(ledger[in_year(received, year)], "requests.received")
    out |= _by_applicant(ledger[(received < start) & ~(replied < start)], "requests.carried_in")
    out |= _by_applicant(ledger[(received <= end) & ~(replied <= end)], "requests.carried_out")

    replies = ledger[in_year(replied, year)]
    applicants = list(vocabulary()["申请人类型"].values)
    outcomes = [*vocabulary()["惯例办理结果"].values, *national_outcomes()]
    # One outcome × applicant count matrix; every (group) row is a sum of some of its rows.
    matrix = (
        replies.groupby(["outcome", "applicant"]).size().unstack(fill_value=0)
        .reindex(index=outcomes, columns=applicants, fill_value=0).to_numpy()
    )
    position = {o: i for i, o in enumerate(outcomes)}
    for key, members in outcome_groups(outcomes).items():
        counts = matrix[[position[m] for m in members]].sum(axis=0)
        for applicant, count in zip(applicants, counts, strict=True):
            out[f"requests.replied.{key}.{applicant}"] = int(count)
        out[f"requests.replied.{key}.{TOTAL}"] = int(counts.sum())
    out |= _by_applicant(replies, f"requests.replied.{TOTAL}")

    methods = ledger.loc[in_year(received, year), "method"].value_counts()
    for method in vocabulary()["申请方式"].values:
        out[f"requests.method.{method}"] = int(methods.get(method, 0))
    out["requests.fee"] = wan_yuan(replies["fee"].sum())
    out["requests.fee_count"] = int((replies["fee"] > 0).sum())
    return out


def appeal_figures(ledger: pd.DataFrame, year: int) -> Figures:
    start, end = _year_bounds(year)
    open_in_year = ledger[(ledger["filed"] <= end) & ~(ledger["closed"] < start)]
    status = open_in_year["result"].astype(object).where(open_in_year["closed"] <= end, PENDING)
    types = vocabulary()["案件类型"].values
    results = [*vocabulary()["案件结果"].values, PENDING]
    groups = {t: [t] for t in types} | {"行政诉讼": [t for t in types if t.startswith("行政诉讼")]}
    out: Figures = {}
    for group, members in groups.items():
        of_group = open_in_year["type"].isin(members)
        for result in results:
            out[f"appeals.{group}.{result}"] = int((of_group & (status == result)).sum())
        out[f"appeals.{group}.{TOTAL}"] = int(of_group.sum())
    return out


def fact_figures(facts: dict[str, float]) -> Figures:
    out = {f"fact.{key}": facts.get(key, 0) for key in report_facts()}
    out["staff.total"] = out["fact.专职人员数"] + out["fact.兼职人员数"]
    return out


def compute(ledgers: dict[str, pd.DataFrame], facts: dict[str, float], year: int) -> Figures:
    """All figures of report year `year`."""
    return (
        proactive_figures(ledgers["proactive"], year)
        | document_figures(ledgers["documents"], year)
        | decision_figures(ledgers["decisions"], year)
        | fee_figures(ledgers["fees"], year)
        | item_figures(ledgers["items"], year)
        | procurement_figures(ledgers["procurement"], year)
        | request_figures(ledgers["requests"], year)
        | appeal_figures(ledgers["appeals"], year)
        | fact_figures(facts)
    )
