"""The office's summary (notebooks/audit.ipynb): counts per rule, the worst bodies, charts of the whole
set, one body's findings. Each function takes the findings table and returns something the notebook
shows (HTML escaped here, charts from charts.py); `audit_folder` runs the audit the notebook summarises.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from .. import charts
from .batch import FINDINGS_COLUMNS, run, write
from .rules import FAIL, NOT_APPLICABLE, PASS, RULE_NAMES, RULES, STATES, UNKNOWN

_ORDER = {FAIL: 0, UNKNOWN: 1, PASS: 2, NOT_APPLICABLE: 3}
_COLORS = {FAIL: "#b22222", UNKNOWN: "#d9a12b", PASS: "#4a8f5c", NOT_APPLICABLE: "#b0b0b0"}


class Html:
    """A fragment the notebook (and its HTML export) shows as it is; built from escaped text only."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        return self.text


def audit_folder(folder: str | Path, out: str | Path, year: int | None = None,
                 previous: str | Path | None = None) -> pd.DataFrame:
    """Audit every report under `folder` (pairing with `previous`, last year's folder), write the outputs
    to `out` and return the findings (as findings.csv has them)."""
    audited, _ = run([Path(folder)], [Path(previous)] if previous else [], year)
    if not audited:
        raise FileNotFoundError(f"文件夹 {folder} 中没有可审核的报告文件（.html、.htm、.docx、.pdf）")
    write(audited, Path(out))
    return load(Path(out) / "findings.csv")


def load(findings_csv: str | Path) -> pd.DataFrame:
    return pd.read_csv(findings_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)[list(FINDINGS_COLUMNS)]


def matrix(findings: pd.DataFrame) -> pd.DataFrame:
    """Report × rule: the worst state of each rule's findings (empty when the rule gave none)."""
    ranked = findings.assign(rank=findings["state"].map(_ORDER))
    worst = ranked.sort_values("rank", kind="stable").drop_duplicates(["report", "rule"])
    table = worst.pivot(index="report", columns="rule", values="state")
    return table.reindex(columns=[r for r in RULES if r in table.columns]).fillna("")


def rule_counts(findings: pd.DataFrame) -> pd.DataFrame:
    """Per rule: how many reports are at each state (their worst finding for the rule)."""
    m = matrix(findings)
    rows = [[rule, RULE_NAMES[rule], *((m[rule] == s).sum() if rule in m else 0 for s in STATES)] for rule in RULES]
    return pd.DataFrame(rows, columns=["规则", "说明", *STATES])


def worst_bodies(findings: pd.DataFrame, count: int = 20) -> pd.DataFrame:
    """The reports with the most 不通过 findings, then the most 无法判断."""
    tally = findings.groupby("report")["state"].value_counts().unstack(fill_value=0)
    for state in STATES:
        if state not in tally:
            tally[state] = 0
    failed_rules = (findings[findings["state"] == FAIL].groupby("report")["rule"]
                    .agg(lambda r: "、".join(dict.fromkeys(r))))
    table = pd.DataFrame({"报告": tally.index, "不通过": tally[FAIL].values, "无法判断": tally[UNKNOWN].values,
                          "不通过的规则": failed_rules.reindex(tally.index).fillna("").values})
    table = table.sort_values(["不通过", "无法判断", "报告"], ascending=[False, False, True], kind="stable")
    return table.head(count).reset_index(drop=True)


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f'<table class="ogi-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def overview(findings: pd.DataFrame, folder: str = "") -> Html:
    m = matrix(findings)
    failing = int((m == FAIL).any(axis=1).sum())
    unknown = int(((m == UNKNOWN).any(axis=1) & ~(m == FAIL).any(axis=1)).sum())
    where = f"（{html.escape(str(folder))}）" if folder else ""
    return Html(
        f"<h1>政府信息公开工作年度报告审核汇总</h1>"
        f"<p>共审核 {len(m)} 份报告{where}：{failing} 份有不通过项；另有 {unknown} 份没有不通过项但有无法判断项"
        f"（所需单元格未填、缺少或文件无法读取，空白不按 0 计）；{len(m) - failing - unknown} 份全部通过或不适用。"
        "逐项核对记录见 findings.csv，逐份查看见 audit.html。</p>")


def rule_table(findings: pd.DataFrame) -> Html:
    return Html("<h2>各规则的结果（份）</h2>" + _table(rule_counts(findings)))


def worst_table(findings: pd.DataFrame, count: int = 20) -> Html:
    return Html(f"<h2>问题最多的 {count} 份报告</h2>" + _table(worst_bodies(findings, count)))


def state_chart(findings: pd.DataFrame) -> charts.Chart:
    counts = rule_counts(findings)
    labels = list(counts["规则"])  # the ids: the table above the chart names each rule
    series = {s: [int(v) for v in counts[s]] for s in STATES}
    return charts.stacked_bar_chart("各规则的审核结果", labels, series, unit="份",
                                    colors=[_COLORS[s] for s in STATES])


def failure_chart(findings: pd.DataFrame) -> charts.Chart:
    """How many reports have 0, 1, 2… 不通过 findings."""
    per_report = findings.assign(fail=findings["state"] == FAIL).groupby("report")["fail"].sum()
    spread = per_report.value_counts().sort_index()
    return charts.bar_chart("不通过项数的分布", [f"{int(k)} 项" for k in spread.index],
                            [int(v) for v in spread.values], unit="份")


def body(findings: pd.DataFrame, report: str, everything: bool = False) -> pd.DataFrame:
    """One report's findings (without its 通过 ones unless `everything`), for digging in JupyterLab."""
    rows = findings[findings["report"] == report]
    return rows if everything else rows[rows["state"] != PASS]
