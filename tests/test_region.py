"""Regions (汇总): figures summed from each member's own ledgers, members missing or repeated, cycles,
and the 汇总 report of the fictional example region built end to end through papermill."""

from __future__ import annotations

import filecmp
import functools
import importlib.util
import shutil
from collections import defaultdict

import pandas as pd
import pytest

from ogi_report.build import build, data_inputs, inputs_hash, runs_from_params
from ogi_report.figures import compute
from ogi_report.ledgers import load_agency_data
from ogi_report.problems import InputError
from ogi_report.region import RegionData, load_region_data, member_tree
from ogi_report.report import Report, load_report

from .conftest import ROOT

EXAMPLE = ROOT / "data" / "example-region"
BODIES = sorted(p for p in (EXAMPLE / "bodies").iterdir() if p.is_dir())
SUB_BODIES = ("dongshan", "qingshi", "taohua", "baiyun")  # the sub-region 东部片区 (dongbu)


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def own_cache(module_cache, monkeypatch):
    """This module's cache, not the user's: copies of the example hit it too (same bytes, same labels)."""
    monkeypatch.setenv("OGI_REPORT_CACHE", str(module_cache))
    return module_cache


def _copy(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "region")
    return tmp_path / "region"


@functools.cache
def _body_figures(folder, year):
    data = load_agency_data(folder, year, strict=False)  # a body without prose still has figures
    return compute(data.ledgers, data.year_facts.facts, year)


def test_every_figure_is_the_sum_of_the_members_figures():
    region = load_region_data(EXAMPLE, 2025)
    assert isinstance(region, RegionData)
    bodies = [_body_figures(b, 2025) for b in BODIES]
    assert len(bodies) == 12
    assert region.figures.keys() == bodies[0].keys()
    for key, value in region.figures.items():
        assert value == pytest.approx(sum(b[key] for b in bodies), abs=1e-9), key
    assert region.figures["requests.received.总计"] > 0
    assert region.figures["fact.回应公众关注热点或重大舆情数"] == sum(
        b["fact.回应公众关注热点或重大舆情数"] for b in bodies)


def test_a_sub_region_is_the_sum_of_its_own_bodies():
    sub = load_region_data(EXAMPLE / "dongbu", 2024)
    bodies = [_body_figures(EXAMPLE / "bodies" / s, 2024) for s in SUB_BODIES]
    for key, value in sub.figures.items():
        assert value == pytest.approx(sum(b[key] for b in bodies), abs=1e-9), key
    # in the county's appendix, the sub-region is one row: its bodies' sum
    county = load_region_data(EXAMPLE, 2024)
    row = next(r for r in county.members if r.region)
    assert (row.name, row.bodies) == ("东部片区", 4)
    assert row.figures["proactive.total"] == sub.figures["proactive.total"]


@functools.cache
def _summed_members_cells(year):
    """Every figures.csv cell summed over the bodies' own reports."""
    summed = defaultdict(float)
    for body in BODIES:
        records = Report(load_agency_data(body, year, strict=False)).figure_records()
        for t, r, c, v in records.itertuples(index=False):
            summed[(t, r, c)] += float(v)
    return dict(summed)


def test_every_table_cell_is_the_sum_of_the_members_figures_csv_cells():
    region = Report(load_region_data(EXAMPLE, 2025)).figure_records()
    summed = _summed_members_cells(2025)
    cells = {(t, r, c): float(v) for t, r, c, v in region.itertuples(index=False)}
    assert cells.keys() == summed.keys()
    for cell, value in cells.items():
        assert value == pytest.approx(summed[cell], abs=1e-9), cell


def test_carry_over_holds_for_the_sum_across_years():
    # from 2022: 县数据局 started in 2022, so its 2021 is not in the 2021 sum
    regions = {year: load_region_data(EXAMPLE, year) for year in (2022, 2023, 2024, 2025)}
    for year in (2023, 2024, 2025):
        now, before = regions[year].figures, regions[year - 1].figures
        assert now["requests.carried_in.总计"] == before["requests.carried_out.总计"], year
    assert regions[2025].figures["requests.carried_in.总计"] > 0
    assert not [p for p in Report(regions[2025]).problems if p.rule == "I5"]


def test_a_member_without_the_years_report_yaml_is_named_missing_and_not_counted():
    region = load_region_data(EXAMPLE, 2021)
    warnings = [str(p) for p in region.warnings if "未计入" in p.message]
    assert warnings == ["警告：region.yaml：成员 bodies/shuju 未计入汇总：没有 2021/report.yaml"
                        "（该机构尚未开始2021年度报告）；汇总数字不含该成员"]
    row = next(r for r in region.members if r.entry == "bodies/shuju")
    assert row.figures is None
    table = Report(region).appendix_tables()[-1]
    assert any("未计入" in cell.text for line in table.body for cell in line)


def test_a_member_whose_folder_is_gone_is_named_missing(tmp_path):
    folder = _copy(tmp_path)
    shutil.rmtree(folder / "bodies" / "taohua")
    region = load_region_data(folder, 2025)
    assert any("bodies/taohua" in p.message and "不存在" in p.message and p.warning for p in region.warnings)
    expected = sum(_body_figures(b, 2025)["proactive.total"] for b in BODIES if b.name != "taohua")
    assert region.figures["proactive.total"] == expected
    report = load_report(folder, 2025)
    assert any("bodies/taohua" in str(p) for p in report.summary().warnings)


def test_membership_cycle_is_an_error(tmp_path):
    folder = _copy(tmp_path)
    sub = folder / "dongbu" / "region.yaml"
    sub.write_text(sub.read_text(encoding="utf-8") + "  - ..\n", encoding="utf-8")
    tree = member_tree(folder)
    assert [p.message for p in tree.problems if "循环" in p.message] == [
        "成员关系形成循环：. → dongbu → .；一个片区不能（间接）包含它自己"]
    with pytest.raises(InputError, match=r"dongbu/region\.yaml.*循环"):
        load_region_data(folder, 2025)


def test_a_body_listed_twice_is_an_error(tmp_path):
    folder = _copy(tmp_path)
    top = folder / "region.yaml"
    top.write_text(top.read_text(encoding="utf-8") + "  - bodies/dongshan\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bodies/dongshan 已经通过 .* 计入汇总，不能重复计入"):
        load_region_data(folder, 2025)


def test_region_yaml_errors_name_the_file_and_key(tmp_path):
    folder = _copy(tmp_path)
    (folder / "region.yaml").write_text("名称: 示例县\n简称: 示例县\n成员: bodies/chengguan\n成园: []\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_region_data(folder, 2025)
    text = info.value.text()
    assert "region.yaml：「成员」应为成员文件夹路径的列表" in text
    assert "未知的项：成园（是否应为「成员」？）" in text


def test_a_members_ledger_error_stops_the_region_naming_the_members_file(tmp_path):
    folder = _copy(tmp_path)
    ledger = folder / "bodies" / "nanhu" / "requests.csv"
    lines = ledger.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[1], "2025-13-45")
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_region_data(folder, 2025)
    assert any(p.file == "bodies/nanhu/requests.csv" and p.row == 2 for p in info.value.problems)


def test_figures_are_not_typed_into_the_regions_report_yaml(tmp_path):
    folder = _copy(tmp_path)
    (folder / "2025" / "report.yaml").write_text("发布日期: 2026-01-15\n回应公众关注热点或重大舆情数: 3\n",
                                                 encoding="utf-8")
    with pytest.raises(InputError, match="不填写「回应公众关注热点或重大舆情数」"):
        load_region_data(folder, 2025)


def test_prose_names_are_the_regions_totals():
    report = Report(load_region_data(EXAMPLE, 2025))
    total = report.figures["requests.received.总计"]
    assert report.names["本年新收申请数"] == total
    assert f"新收政府信息公开申请{total}件" in report.filled_prose["总体情况"]
    assert report.title == "示例县2025年政府信息公开工作年度报告（汇总）"


def test_loading_on_several_processes_gives_the_same_figures():
    one = load_region_data(EXAMPLE, 2025, workers=1)
    from ogi_report import region

    several = region.load_bodies(member_tree(EXAMPLE).bodies(), 2025, workers=2)
    assert region.sum_figures([b.figures for b in several]) == one.figures


def test_an_unchanged_body_is_read_from_the_cache_and_a_changed_one_again(tmp_path, monkeypatch):
    from ogi_report import region

    own_cache = tmp_path / "cache"
    monkeypatch.setenv("OGI_REPORT_CACHE", str(own_cache))
    folder = _copy(tmp_path)
    first = load_region_data(folder, 2025, workers=1)
    assert len(list((own_cache / "bodies").glob("*.pickle"))) == 12
    read = []
    monkeypatch.setattr(region, "load_body", lambda *args: read.append(args[1]) or region.BodyResult(args[1]))
    assert load_region_data(folder, 2025, workers=1).figures == first.figures
    assert read == []
    with (folder / "bodies" / "qingshi" / "requests.csv").open("a", encoding="utf-8") as f:
        f.write("B0006-2025-999,2025-03-01,自然人,网络,予以公开,2025-03-05,0\n")
    load_region_data(folder, 2025, workers=1)
    assert read == ["bodies/qingshi"]


def test_the_input_hash_covers_the_members_ledgers(tmp_path):
    folder = _copy(tmp_path)
    inputs = data_inputs(folder, 2025)
    assert folder / "bodies" / "qingshi" / "requests.csv" in inputs
    assert folder / "dongbu" / "region.yaml" in inputs
    before = inputs_hash(folder, 2025)
    with (folder / "bodies" / "qingshi" / "requests.csv").open("a", encoding="utf-8") as f:
        f.write("B0006-2025-999,2025-03-01,自然人,网络,予以公开,2025-03-05,0\n")
    assert inputs_hash(folder, 2025) != before


def test_params_files_name_the_region():
    runs = runs_from_params(sorted((ROOT / "params" / "example-region").glob("*.yaml")))
    assert [(r.data_dir.as_posix(), r.year) for r in runs] == [("data/example-region", y) for y in range(2021, 2026)]


def test_example_region_is_exactly_what_the_generator_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("generate_region", ROOT / "scripts" / "generate_region.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(tmp_path)
    compared = filecmp.dircmp(tmp_path / "data" / "example-region", EXAMPLE)

    def differences(cmp):
        yield from cmp.diff_files
        yield from cmp.left_only
        yield from cmp.right_only
        for sub in cmp.subdirs.values():
            yield from differences(sub)

    assert list(differences(compared)) == []


def test_example_region_has_late_replies_and_a_body_without_2025_prose():
    late = 0
    for body in BODIES:
        requests = load_agency_data(body, 2025, strict=False).ledgers["requests"]
        late += int(((requests["replied"] - requests["received"]).dt.days > 28).sum())  # > 20 working days
    assert late > 5
    assert not (EXAMPLE / "bodies" / "qingshi" / "2025" / "narrative").exists()
    with pytest.raises(InputError, match="必须有文字稿"):
        load_report(EXAMPLE / "bodies" / "qingshi", 2025)


@pytest.mark.slow
def test_region_report_built_end_to_end(tmp_path):
    out = tmp_path / "outputs"
    result = build(EXAMPLE, 2025, out, ROOT / "notebooks" / "annual_report.ipynb")
    dest = result.output
    assert {"figures.csv", "report.html", "report.pdf", "report.docx"} <= {p.name for p in dest.iterdir()}
    frame = pd.read_csv(dest / "figures.csv", dtype={"value": str}, encoding="utf-8-sig")
    summed = _summed_members_cells(2025)
    built = {(t, r, c): float(v) for t, r, c, v in frame.itertuples(index=False)}
    assert built == pytest.approx(dict(summed))
    html = (dest / "report.html").read_text(encoding="utf-8")
    assert "示例县2025年政府信息公开工作年度报告（汇总）" in html
    assert "附：2025年汇总范围及各成员主要数据" in html and "东部片区（片区，4 个机构）" in html
    # unchanged inputs are not rebuilt; a member's ledger changed is
    assert build(EXAMPLE, 2025, out, ROOT / "notebooks" / "annual_report.ipynb").skipped


def test_check_and_names_work_on_a_region(tmp_path, capsys):
    from ogi_report.cli import main

    assert main(["check", str(EXAMPLE), "--year", "2021", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "警告：region.yaml：成员 bodies/shuju 未计入汇总" in out
    # and T1 (overview branch): the members' late replies, counted once for the region
    assert "警告：[T1]：各成员本年答复的申请中有 11 件超过答复期限" in out
    assert "示例县人民政府（虚构） 2021年：0 个错误，2 个警告" in out
    assert main(["names", str(EXAMPLE), "--year", "2021"]) == 0
    total = load_region_data(EXAMPLE, 2021).figures["requests.received.总计"]
    assert f"{{{{ 本年新收申请数 }}}}\t{total}\t件" in capsys.readouterr().out
