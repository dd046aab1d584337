"""End to end on the fictional example agency: several years through papermill and both exports, the
rules checked from figures.csv, and the HTML tables compared with the official layout."""

from __future__ import annotations

import filecmp
import importlib.util

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from ogi_report.build import Run, build_many
from ogi_report.formats import get_format

from .conftest import ROOT

pytestmark = pytest.mark.slow

YEARS = (2020, 2021, 2022)
TABLE3 = "三、收到和处理政府信息公开申请情况"
TABLE4 = "四、政府信息公开行政复议、行政诉讼情况"
APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    runs = [Run(ROOT / "data" / "example", y) for y in YEARS]
    results = dict(build_many(runs, out, ROOT / "notebooks" / "annual_report.ipynb", jobs=2))
    failed = {run.label: exc for run, exc in results.items() if isinstance(exc, Exception)}
    assert not failed, failed
    return {run.year: result.output for run, result in results.items()}


def _table(output, table):
    frame = pd.read_csv(output / "figures.csv", dtype={"value": str}, encoding="utf-8-sig")
    frame = frame[frame["table"] == table]
    return {(r, c): float(v) for r, c, v in zip(frame["row"], frame["column"], frame["value"], strict=True)}


def test_every_cell_of_tables_three_and_four_is_in_figures_csv(outputs):
    t3 = _table(outputs[2021], TABLE3)
    assert len(t3) == 175
    assert len(_table(outputs[2020], TABLE3)) == 23 * 7
    assert len(_table(outputs[2021], TABLE4)) == 15
    assert len(_table(outputs[2021], "二、主动公开政府信息情况")) == 10
    assert len(_table(outputs[2020], "二、主动公开政府信息情况")) == 22


@pytest.mark.parametrize("year", YEARS)
def test_o1_i1_i2_hold_in_figures_csv(outputs, year):
    t3 = _table(outputs[year], TABLE3)
    rows = list(dict.fromkeys(r for r, _ in t3))
    results = rows[2:-2]
    for col in [*APPLICANTS, "总计"]:
        new, carried = t3[(rows[0], col)], t3[(rows[1], col)]
        assert new + carried == t3[("总计", col)] + t3[("四、结转下年度继续办理", col)], ("O1", col)
        assert sum(t3[(r, col)] for r in results) == t3[("总计", col)], ("I2", col)
    for row in rows:
        assert sum(t3[(row, a)] for a in APPLICANTS) == t3[(row, "总计")], ("I1", row)
    assert t3[(rows[0], "总计")] > 0 and t3[("总计", "总计")] > 0  # realistic volumes, not an empty table


@pytest.mark.parametrize("year", YEARS)
def test_i3_holds_in_figures_csv(outputs, year):
    t4 = _table(outputs[year], TABLE4)
    for group in ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"):
        parts = sum(t4[(group, c)] for c in ("结果维持", "结果纠正", "其他结果", "尚未审结"))
        assert parts == t4[(group, "总计")], group


@pytest.mark.parametrize("year", YEARS[1:])
def test_i5_carry_over_matches_the_previous_report(outputs, year):
    now, before = _table(outputs[year], TABLE3), _table(outputs[year - 1], TABLE3)
    for col in [*APPLICANTS, "总计"]:
        assert now[("二、上年结转政府信息公开申请数量", col)] == before[("四、结转下年度继续办理", col)], col


def test_html_table_three_labels_in_official_order(outputs):
    soup = BeautifulSoup((outputs[2021] / "report.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.find("table", class_="ogi-requests")
    labels = [c.get_text() for c in table.tbody.find_all(["th", "td"]) if not c.get_text().isdigit()]

    def walk(nodes):
        for n in nodes:
            yield n.label
            yield from walk(n.children)

    assert labels == list(walk(get_format("2021").requests.rows))
    assert [h.get_text() for h in soup.find_all("h2")] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
        "附：2021年制发的规范性文件目录", "附：图解"]
    assert "信息处理费" in soup.find_all("section")[5].get_text()
    issued = _table(outputs[2021], "二、主动公开政府信息情况")[("行政规范性文件", "本年制发件数")]
    assert len(soup.find("table", class_="ogi-documents").tbody.find_all("tr")) == issued > 0
    assert len(soup.select("figure.ogi-chart img")) == 6


def test_example_data_is_exactly_what_the_generator_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("generate_example", ROOT / "scripts" / "generate_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(tmp_path)
    compared = filecmp.dircmp(tmp_path / "data" / "example", ROOT / "data" / "example")

    def differences(cmp):
        yield from cmp.diff_files
        yield from (f for f in cmp.left_only)
        for sub in cmp.subdirs.values():
            yield from differences(sub)

    assert list(differences(compared)) == []
    assert sorted(p.name for p in (tmp_path / "params" / "example").iterdir()) == [
        f"{y}.yaml" for y in range(2019, 2026)]


def test_ledger_edited_after_last_years_report_is_caught(outputs, tmp_path, capsys):
    """I5 against the published figures.csv: a 2021 application back-dated into 2020 after publication."""
    import shutil

    from ogi_report.cli import main

    data = tmp_path / "example"
    shutil.copytree(ROOT / "data" / "example", data)
    out = tmp_path / "out"
    (out / "example" / "2020").mkdir(parents=True)
    shutil.copy(outputs[2020] / "figures.csv", out / "example" / "2020" / "figures.csv")
    with (data / "requests.csv").open("a", encoding="utf-8") as f:
        f.write("YSQ2020-999,2020-12-30,商业企业,网络,,,\n")  # pending since 2020: carried into 2021
    assert main(["check", str(data), "--year", "2021", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "[I5]" in printed and "「商业企业」列" in printed and "2020/figures.csv" in printed
    assert main(["build", str(data), "--year", "2021", "--out", str(out),
                 "--notebook", str(ROOT / "notebooks" / "annual_report.ipynb")]) == 1
    assert not (out / "example" / "2021").exists()
