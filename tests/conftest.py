"""Shared fixtures: small hand-made agency folders written to tmp_path, and the seed build."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
import yaml

from ogi_report.formats import FORMAT_IDS, default_format_id, get_format

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
    """An agency folder: agency.yaml, the given ledgers (CSV text or rows), report.yaml per year and a
    placeholder prose for every part of the year's format that requires one, unless `narrative` gives it."""
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agency.yaml").write_text(AGENCY_YAML, encoding="utf-8")
    for stem, content in (ledgers or {}).items():
        text = content if isinstance(content, str) else csv_text(content)
        (folder / f"{stem}.csv").write_bytes(text.encode(encoding))
    for year, report_yaml in (years or {}).items():
        (folder / str(year)).mkdir(exist_ok=True)
        (folder / str(year) / "report.yaml").write_text(report_yaml, encoding="utf-8")
    narrative = narrative or {}
    for year in set(years or {}) | set(narrative):
        (folder / str(year) / "narrative").mkdir(parents=True, exist_ok=True)
        files = {stem: f"{stem}（测试）。" for stem in required_prose(folder, year)} | narrative.get(year, {})
        for stem, text in files.items():
            (folder / str(year) / "narrative" / f"{stem}.md").write_text(text, encoding="utf-8")
    return folder


def required_prose(folder: Path, year: int) -> list[str]:
    """The narrative stems the year's format requires (its sections without a table)."""
    try:
        raw = yaml.safe_load((folder / str(year) / "report.yaml").read_text(encoding="utf-8"))
    except (OSError, ValueError):  # yaml.YAMLError and bad dates alike: those tests are about report.yaml
        raw = None
    format_id = str(raw.get("格式") or default_format_id(year)) if isinstance(raw, dict) else default_format_id(year)
    if format_id not in FORMAT_IDS:
        return []
    return [s.narrative for s in get_format(format_id).sections if s.table is None]


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
