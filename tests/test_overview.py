"""The office's overview of a region: members read as their own checks read them, figures by the
counting rules, missing members named, outliers in words; the notebook end to end through papermill."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from ogi_report import overview
from ogi_report.overview_build import build_overview

from .conftest import ROOT, make_agency

YEAR = 2024
REQUESTS = ["编号", "收到日期", "申请人类型", "办理结果", "答复日期"]


def _req(id_: str, received: str, outcome: str = "", replied: str = "") -> dict[str, str]:
    return dict(zip(REQUESTS, [id_, received, "自然人", outcome, replied], strict=True))


def _appeal(id_: str, result: str = "", closed: str = "") -> dict[str, str]:
    return {"编号": id_, "类型": "行政复议", "立案日期": "2024-03-01", "结案日期": closed, "结果": result}


@pytest.fixture
def region(tmp_path):
    """A region of: 甲 (requests, one late reply, a 4-fold rise), a sub-region listing 乙 (no request for
    three years) and 甲 again, a member whose folder does not exist, 丙 without its prose."""
    make_agency(tmp_path, {
        "requests": [
            _req("Y-1", "2023-03-01", "予以公开", "2023-03-10"),
            # 2024-09-27 → 2024-10-31: 21 working days over the national day holiday (test_timeliness.py)
            _req("J-1", "2024-09-27", "予以公开", "2024-10-31"),
            _req("J-2", "2024-03-01", "予以公开", "2024-03-05"),
            _req("J-3", "2024-03-01", "部分公开", "2024-03-05"),
            _req("J-4", "2024-03-01", "无法提供/本机关不掌握相关政府信息", "2024-03-05"),
        ],
        "appeals": [_appeal("F-1", "纠正", "2024-06-01"), _appeal("F-2", "维持", "2024-06-01"), _appeal("F-3")],
    }, {2023: "发布日期: 2024-01-20\n", 2024: "发布日期: 2025-01-20\n"}, slug="jia")
    (tmp_path / "jia" / "agency.yaml").write_text("名称: 甲街道办事处\n简称: <b>甲街道</b>\n", encoding="utf-8")
    make_agency(tmp_path, {"proactive": [{"发布日期": f"{y}-05-01", "标题": "通知", "类别": "", "渠道": "政府网站"}
                                         for y in (2022, 2023, 2024)]},
                {2024: "发布日期: 2025-01-20\n"}, slug="yi")
    make_agency(tmp_path, {"proactive": [{"发布日期": "2024-05-01", "标题": "通知", "类别": "", "渠道": "政府网站"}]},
                {2024: "发布日期: 2025-01-20\n"}, slug="bing")
    (tmp_path / "bing" / "2024" / "narrative" / "总体情况.md").unlink()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "region.yaml").write_text("名称: 某镇片区\n成员:\n  - ../yi\n  - ../jia\n", encoding="utf-8")
    (tmp_path / "qu").mkdir()
    (tmp_path / "qu" / "region.yaml").write_text(
        "名称: 某某区人民政府\n简称: 某某区\n成员:\n  - ../jia\n  - ../sub\n  - ../nowhere\n  - ../bing\n", encoding="utf-8")
    return tmp_path / "qu"


def test_members_are_every_body_of_the_region_and_its_subregions_once(region):
    r = overview.read_region(region)
    assert [(m.label, m.parent) for m in r.members] == [
        ("../jia", "某某区"), ("../yi", "某镇片区"), ("../nowhere", "某某区"), ("../bing", "某某区")]
    assert [p.message for p in r.problems] == ["机构 ../jia 已经通过 region.yaml 计入汇总，不能重复计入"]


def test_figures_and_states_of_each_member(region):
    ov = overview.load(region, YEAR)
    jia, yi, nowhere, bing = ov.bodies
    # 公开率 = (予以公开 1 + 部分公开 1 … plus the late 予以公开) 3 ÷ 办结 4; 纠错率 = 纠正 1 ÷ 审结 2
    assert jia.series[YEAR] | {} == {
        "收到申请": 4, "办结申请": 4, "公开率": 75.0, "行政复议纠错率": 50.0, "行政诉讼纠错率": None,
        "主动公开": 0, "逾期答复": 1, "按期答复率": 75.0, "答复用时中位数": 2.0}
    assert jia.rule_state("T1") == ("警告 1", "warning") and jia.rule_state("I5") == ("通过", "ok")
    assert any("编号“J-1”" in p.message and "21 个工作日" in p.message for p in jia.problems)
    assert nowhere.missing == ["文件夹 ../nowhere 不存在"] and nowhere.series[YEAR]["收到申请"] is None
    assert nowhere.rule_state("T1") == ("未检查", "unchecked")
    assert bing.missing == ["缺少文字稿：总体情况"] and bing.rule_state("文字稿") == ("错误 1", "error")
    # before a member's ledgers start its figures are unknown (blank), not 0
    assert yi.series[2021]["收到申请"] is None and yi.series[2022]["收到申请"] == 0
    totals = ov.totals().set_index("年度")
    assert totals.loc[YEAR, "收到申请"] == 4 and totals.loc[YEAR, "成员数"] == 3
    assert totals.loc[2021, "成员数"] == 0


def test_outliers_are_said_in_words_with_a_link(region):
    ov = overview.load(region, YEAR)
    found = [(b.slug, text) for b, text in ov.outliers()]
    assert found == [("jia", "收到申请从2023年的 1 件增至2024年的 4 件（4 倍）"),
                     ("yi", "连续 3 年（2022—2024年）未收到政府信息公开申请")]
    page = BeautifulSoup(ov.outlier_list().markup, "html.parser")
    assert [a["href"] for a in page.find_all("a")] == ["../../jia/2024/report.html", "../../yi/2024/report.html"]


def test_names_from_the_ledgers_are_escaped(region):
    ov = overview.load(region, YEAR)
    markup = ov.matrix().markup + ov.rankings().markup
    assert "<b>甲街道</b>" not in markup and "&lt;b&gt;甲街道&lt;/b&gt;" in markup


@pytest.mark.slow
def test_the_notebook_exports_the_offices_page(region, tmp_path):
    shutil.copytree(ROOT / "data" / "example", region.parent / "example")
    with (region / "region.yaml").open("a", encoding="utf-8") as f:
        f.write("  - ../example\n")
    page = build_overview(region, YEAR, tmp_path / "out")
    assert page == tmp_path / "out" / "qu" / "overview" / str(YEAR) / "overview.html"
    text = page.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.title.string == "某某区人民政府2024年度政府信息公开工作概览"
    assert not soup.find_all("script") and "def " not in text and "region_dir" not in text  # no code
    headings = [h.get_text() for h in soup.find_all("h2")]
    assert headings == ["一、材料缺失的成员", "二、各成员的检查结果", "三、2024年各成员主要数字", "四、逐年变化",
                        "五、需要关注的成员"]
    matrix = soup.find("table", class_="ogi-matrix")
    rows = {tr.find("td").get_text(): [td.get_text() for td in tr.find_all("td")] for tr in matrix.tbody.find_all("tr")}
    assert set(rows) == {"<b>甲街道</b>", "测试街", "../nowhere", "示例街道"}
    assert rows["../nowhere"][1] == "材料缺失" and rows["<b>甲街道</b>"][-1] == "警告 1"
    # the example's late 2024 replies (T1) are named by their 编号 in the page
    assert "YSQ2024-012" in text and "J-1" in text
    assert len(soup.find_all("img")) >= 4  # the distribution and trend charts, inline
    assert all(img["src"].startswith("data:image/png;base64,") for img in soup.find_all("img"))
    links = {a["href"] for a in soup.find_all("a")}
    assert "../../../example/2024/report.html" in links
    again = build_overview(region, YEAR, tmp_path / "out")
    assert again.read_bytes() == text.encode("utf-8")  # the same inputs give the same bytes


def test_a_member_unchanged_since_the_last_run_is_not_read_again(region, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = overview.load(region, YEAR, cache=cache)
    assert len(list(cache.glob("*.json"))) == 3  # the missing folder has nothing to keep
    (region.parent / "bing" / "2024" / "narrative" / "总体情况.md").write_text("总体情况。", encoding="utf-8")
    read = []
    original = overview.read_body
    monkeypatch.setattr(overview, "read_body", lambda m, *a: read.append(m.label) or original(m, *a))
    second = overview.load(region, YEAR, cache=cache)
    assert read == ["../nowhere", "../bing"]  # only the changed member (and the missing one) read again
    assert [(b.name, b.missing, b.series, b.problems) for b in second.bodies[:2]] == [
        (b.name, b.missing, b.series, b.problems) for b in first.bodies[:2]]
    assert second.bodies[3].missing == [] and len(list(cache.glob("*.json"))) == 3  # the stale entry pruned


def test_a_folder_without_region_yaml_is_said_in_chinese(tmp_path, capsys):
    from ogi_report.cli import main

    assert main(["overview", str(ROOT / "data" / "example"), "--year", "2025", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "不是区域文件夹：其中没有 region.yaml" in err
    assert not any(tmp_path.iterdir())  # nothing written


@pytest.mark.slow
def test_the_example_region_as_the_office_runs_it(tmp_path):
    """`nox -s overview -- data/example-region 2025` runs this command."""
    from ogi_report.cli import main
    from ogi_report.ledgers import load_agency_data
    from ogi_report.timeliness import replies

    region = ROOT / "data" / "example-region"
    assert main(["overview", str(region), "--year", "2025", "--out", str(tmp_path)]) == 0
    page = tmp_path / "example-region" / "overview" / "2025" / "overview.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    matrix = soup.find("table", class_="ogi-matrix")
    assert len(matrix.tbody.find_all("tr")) == 12  # every body, the sub-region's included
    # every late reply of a member is named by its 编号 in the page
    late = replies(load_agency_data(region / "bodies" / "nanhu", 2025).ledgers["requests"], 2025)
    ids = list(late.loc[late["overdue"], "id"])
    assert ids and all(f"编号“{i}”" in soup.get_text() for i in ids)
    missing = soup.find_all("section")[0].get_text()
    assert "青石镇" in missing and "缺少文字稿" in missing  # the body without its 2025 prose
    links = {a["href"] for a in soup.find_all("a")}
    assert "../../../nanhu/2025/report.html" in links


@pytest.mark.slow
def test_the_notebook_runs_as_stored_from_the_notebooks_folder(tmp_path):
    """As the office opens it in JupyterLab: no parameters injected, the example region by default."""
    from ogi_report.build import execute  # papermill

    nb = execute(ROOT / "notebooks" / "overview.ipynb", ROOT / "notebooks", {})
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "示例县人民政府（虚构）2025年度政府信息公开工作概览" in html


def test_a_member_whose_ledgers_have_errors_is_marked_and_left_out_of_the_totals(region):
    rows = (region.parent / "jia" / "requests.csv").read_text(encoding="utf-8").splitlines()
    rows.append("J-9,2024-13-45,自然人,,")
    (region.parent / "jia" / "requests.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ov = overview.load(region, YEAR)
    jia = ov.bodies[0]
    assert jia.partial and jia.rule_state("台账") == ("错误 1", "error")
    assert jia.series[YEAR]["收到申请"] == 4  # the valid rows, shown marked
    assert ov.totals().set_index("年度").loc[YEAR, "收到申请"] == 0 and "甲街道&lt;/b&gt;＊" in ov.rankings().markup
