"""Shared fixtures: small hand-made agency folders written to tmp_path, and the seed build."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

AGENCY_YAML = (
    "名称: 测试街道办事处\n简称: 测试街\n地址: 测试路1号\n"
    "邮编: \"100000\"\n电话: 010-1234\n电子邮箱: t@example.org\n"
)


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    header = header or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def make_agency(
    root: Path,
    ledgers: dict[str, str | list[dict[str, str]]] | None = None,
    years: dict[int, str] | None = None,
    narrative: dict[int, dict[str, str]] | None = None,
    slug: str = "testjd",
    encoding: str = "utf-8",
) -> Path:
    """An agency folder: agency.yaml, the given ledgers (CSV text or rows) and report.yaml per year."""
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agency.yaml").write_text(AGENCY_YAML, encoding="utf-8")
    for stem, content in (ledgers or {}).items():
        text = content if isinstance(content, str) else csv_text(content)
        (folder / f"{stem}.csv").write_bytes(text.encode(encoding))
    for year, report_yaml in (years or {}).items():
        (folder / str(year)).mkdir(exist_ok=True)
        (folder / str(year) / "report.yaml").write_text(report_yaml, encoding="utf-8")
    for year, files in (narrative or {}).items():
        (folder / str(year) / "narrative").mkdir(parents=True, exist_ok=True)
        for stem, text in files.items():
            (folder / str(year) / "narrative" / f"{stem}.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True, scope="session")
def chart_cache(tmp_path_factory):
    """Charts are cached in a folder of the test session, never in the user's ~/.cache."""
    os.environ["OGI_REPORT_CHART_CACHE"] = str(tmp_path_factory.mktemp("chart-cache"))
    return Path(os.environ["OGI_REPORT_CHART_CACHE"])


@pytest.fixture
def agency(tmp_path):
    def factory(*args, **kw):
        return make_agency(tmp_path, *args, **kw)

    return factory
