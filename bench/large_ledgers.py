"""Large synthetic ledgers for the benchmark: a requests ledger and a decisions ledger of millions of rows,
and an .xlsx requests ledger, written quickly with NumPy (the values are valid, the volumes unrealistic)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from ogi_report.formats import national_outcomes, vocabulary

DAYS = [(date(2019, 1, 1) + timedelta(days=i)) for i in range(5 * 365)]


def _write(path: Path, header: str, columns: list[np.ndarray]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(header + "\n")
        step = 500_000
        for start in range(0, len(columns[0]), step):
            parts = [c[start:start + step] for c in columns]
            f.write("\n".join(",".join(row) for row in zip(*parts, strict=True)) + "\n")


def requests_columns(rows: int, seed: int = 1) -> tuple[str, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    received = rng.integers(0, len(DAYS) - 60, rows)
    replied = received + rng.integers(0, 60, rows)
    pending = rng.random(rows) < 0.02
    day_text = np.array([d.isoformat() for d in DAYS])
    outcomes = np.array(national_outcomes())[rng.integers(0, len(national_outcomes()), rows)]
    ids = np.char.add("R", np.arange(rows).astype(str))
    applicants = np.array(vocabulary()["申请人类型"].values)[rng.integers(0, 6, rows)]
    return "编号,收到日期,申请人类型,办理结果,答复日期", [
        ids, day_text[received], applicants, np.where(pending, "", outcomes), np.where(pending, "", day_text[replied]),
    ]


def write_requests(path: Path, rows: int) -> Path:
    header, columns = requests_columns(rows)
    _write(path, header, columns)
    return path


def write_decisions(path: Path, rows: int, seed: int = 2) -> Path:
    rng = np.random.default_rng(seed)
    day_text = np.array([d.isoformat() for d in DAYS])
    kinds = np.array(vocabulary()["决定类型"].values)
    counts = rng.integers(1, 30, rows).astype(str)
    counts[rng.random(rows) < 0.3] = ""  # empty = 1
    _write(path, "决定日期,类型,数量", [day_text[rng.integers(0, len(DAYS), rows)],
                                   kinds[rng.integers(0, len(kinds), rows)], counts])
    return path


def write_requests_xlsx(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    header, columns = requests_columns(rows, seed=3)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header.split(","))
    for row in zip(*columns, strict=True):
        sheet.append(list(row))
    book.save(path)
    return path
