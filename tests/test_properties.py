"""Property tests on random ledgers: the official identities hold for every year and every column, and
counting never depends on row order."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ogi_report import checks
from ogi_report.figures import appeal_figures, request_figures
from ogi_report.formats import get_format, national_outcomes, vocabulary
from ogi_report.ledgers import parse_ledger

YEARS = range(2019, 2024)
FORMATS = {y: get_format("2019" if y <= 2020 else "2021") for y in YEARS}
START = date(2019, 1, 1)


@st.composite
def request_rows(draw):
    received = START + timedelta(days=draw(st.integers(0, 5 * 365)))
    delay = draw(st.one_of(st.none(), st.integers(0, 400)))
    replied = None if delay is None else received + timedelta(days=delay)
    return {
        "编号": "",  # filled with a unique number below
        "收到日期": received.isoformat(),
        "申请人类型": draw(st.sampled_from(vocabulary()["申请人类型"].values)),
        "办理结果": "" if replied is None else draw(st.sampled_from(national_outcomes())),
        "答复日期": "" if replied is None else replied.isoformat(),
    }


@st.composite
def appeal_rows(draw):
    filed = START + timedelta(days=draw(st.integers(0, 5 * 365)))
    duration = draw(st.one_of(st.none(), st.integers(0, 700)))
    return {
        "编号": "",
        "类型": draw(st.sampled_from(vocabulary()["案件类型"].values)),
        "立案日期": filed.isoformat(),
        "结案日期": "" if duration is None else (filed + timedelta(days=duration)).isoformat(),
        "结果": "" if duration is None else draw(st.sampled_from(vocabulary()["案件结果"].values)),
    }


def _typed(stem: str, rows: list[dict]) -> pd.DataFrame:
    for i, row in enumerate(rows):
        row["编号"] = f"N{i}"
    raw = pd.DataFrame(rows, dtype=object)
    raw["_row"] = range(2, len(raw) + 2)
    typed, problems = parse_ledger(stem, raw, f"{stem}.csv")
    assert problems == []
    return typed


@settings(max_examples=60, deadline=None)
@given(st.lists(request_rows(), min_size=1, max_size=60))
def test_o1_i1_i2_every_year_and_i5_between_years(rows):
    ledger = _typed("requests", rows)
    figures = {y: request_figures(ledger, y) for y in YEARS}
    for year in YEARS:
        fmt, f = FORMATS[year], figures[year]
        assert checks.o1(fmt, f) == []
        assert checks.i1(fmt, f) == []
        assert checks.i2(fmt, f) == []
        if year - 1 in figures:
            assert checks.i5(fmt, f, figures[year - 1]) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(appeal_rows(), min_size=1, max_size=30))
def test_i3_every_year(rows):
    ledger = _typed("appeals", rows)
    for year in YEARS:
        assert checks.i3(FORMATS[year], appeal_figures(ledger, year)) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(request_rows(), min_size=2, max_size=40), st.randoms(use_true_random=False))
def test_counting_does_not_depend_on_row_order(rows, rnd):
    ledger = _typed("requests", rows)
    shuffled = ledger.sample(frac=1, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    for year in YEARS:
        assert request_figures(ledger, year) == request_figures(shuffled, year)
