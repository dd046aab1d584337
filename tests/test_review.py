"""The reviewers' edition and the trace of each figure to its ledger rows (issue 12, item 1)."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import lxml.html
import pytest

from ogi_report.build import DEFAULT_NOTEBOOK, build, inputs_hash
from ogi_report.editions import parse
from ogi_report.provenance import ADDS, ROW, figure_rows
from ogi_report.report import load_report
from ogi_report.review import LARGE_MIN, is_large, review_html
from ogi_report.rows_snapshot import changed_rows, read_snapshot, snapshot

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE, NAIZISHAN = ROOT / "data" / "example", ROOT / "data" / "naizishan"
REQUESTS = "三、收到和处理政府信息公开申请情况"


def _traced(data_dir: Path, year: int):
    report = load_report(data_dir, year)
    return report, figure_rows(report.data.ledgers, report.year, report.tables(), report.data.sources)


@pytest.mark.parametrize(("data_dir", "year"), [(EXAMPLE, y) for y in range(2019, 2026)] + [(NAIZISHAN, 2017)])
def test_every_figure_is_the_sum_of_the_rows_it_is_traced_to(data_dir, year):
    report, traced = _traced(data_dir, year)
    assert [f.key for f in traced] == [(r.table, r.row, r.column) for t in report.tables() for r in t.records]
    counts = 0
    for figure in traced:
        if figure.stated:  # from report.yaml, not a ledger
            assert figure.rows.empty
            continue
        assert figure.total == figure.value, figure.key
        if not figure.amount and set(figure.rows[ADDS]) <= {1}:  # a count of records
            assert len(figure.rows) == figure.value, figure.key
            counts += 1
    assert counts > 10
    assert any(len(f.rows) for f in traced)


def _ids(path: Path, keep) -> set[str]:
    with path.open(encoding="utf-8") as f:
        return {r["编号"] for r in csv.DictReader(f) if keep(r)}


def test_yu_yi_gong_kai_of_example_2024_is_traced_to_its_requests():
    """Checked against requests.csv read independently: the 予以公开 requests answered in 2024."""
    _, traced = _traced(EXAMPLE, 2024)
    figure = next(f for f in traced if f.key == (REQUESTS, "予以公开", "总计"))
    expected = _ids(EXAMPLE / "requests.csv", lambda r: r["办理结果"] == "予以公开" and r["答复日期"].startswith("2024"))
    assert len(expected) == figure.value > 0
    assert set(figure.rows["编号"]) == expected
    assert set(figure.rows["台账"]) == {"requests.csv"}
    with (EXAMPLE / "requests.csv").open(encoding="utf-8") as f:  # 行号 as Excel shows it: the header is row 1
        excel_rows = {r["编号"]: n for n, r in enumerate(csv.DictReader(f), start=2)}
    assert {i: excel_rows[i] for i in expected} == dict(zip(figure.rows["编号"], figure.rows[ROW], strict=True))


def test_the_rows_responsible_for_a_changed_figure_are_named(tmp_path):
    import shutil

    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    _, before = _traced(folder, 2024)
    text = (folder / "requests.csv").read_text(encoding="utf-8")
    figure = next(f for f in before if f.key == (REQUESTS, "予以公开", "总计"))
    moved = figure.rows["编号"][0]
    line = next(line for line in text.splitlines() if line.startswith(moved + ","))
    (folder / "requests.csv").write_text(text.replace(line, line.replace("予以公开", "部分公开")), encoding="utf-8")
    _, after = _traced(folder, 2024)
    (tmp_path / "before.json").write_text(snapshot(before), encoding="utf-8")
    (tmp_path / "after.json").write_text(snapshot(after), encoding="utf-8")
    was, now = read_snapshot(tmp_path / "before.json"), read_snapshot(tmp_path / "after.json")

    def changed(key):
        return [(change, row["编号"]) for change, row in changed_rows(was[key], now[key])]

    assert changed((REQUESTS, "予以公开", "总计")) == [("不再计入", moved)]
    assert changed((REQUESTS, "部分公开", "总计")) == [("新计入", moved)]
    same = [a.key for a, b in zip(before, after, strict=True) if a.value == b.value and len(a.rows)]
    assert len(same) > 20 and all(changed(key) == [] for key in same)  # e.g. 新收: counted before and after


def _review(data_dir: Path, year: int, previous_csv: Path | None = None) -> str:
    report = load_report(data_dir, year)
    return review_html(report, report.summary(), inputs_hash(data_dir, year), data_dir,
                       previous_csv or data_dir / "no-such-folder" / "figures.csv")


def _figure_row(page, table: str, row: str, column: str):
    """The <tr> of one figure in section 六, and its appendix section."""
    section = next(s for s in page.xpath("//section[h3]") if s.xpath("string(h3)") == table)
    tr = next(tr for tr in section.xpath(".//tbody/tr")
              if tr.xpath("string(th)") == row and tr.xpath("string(td[1])") == column)
    target = tr.xpath(".//a/@href")[-1].lstrip("#")
    return tr, page.get_element_by_id(target).getparent()


def test_review_of_example_2024_traces_figures_and_compares_with_last_year():
    html = _review(EXAMPLE, 2024)
    page = lxml.html.fromstring(html)
    assert page.get("lang") == "zh-CN" and len(page.xpath("//main")) == 1 and len(page.xpath("//h1")) == 1
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4")]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))  # no heading level skipped
    assert all(th.get("scope") in ("col", "row") for th in page.xpath("//th"))
    # Offline: nothing loaded from elsewhere, every link inside the file and to an element that exists.
    assert not page.xpath("//@src | //link | //script")
    targets = {h.lstrip("#") for h in page.xpath("//a/@href")}
    assert all(page.get_element_by_id(t) is not None for t in targets) and all(
        h.startswith("#") for h in page.xpath("//a/@href"))

    _, traced = _traced(EXAMPLE, 2024)
    _, last = _traced(EXAMPLE, 2023)
    now = next(f for f in traced if f.key == (REQUESTS, "予以公开", "总计"))
    before = next(f for f in last if f.key == now.key)
    tr, appendix = _figure_row(page, REQUESTS, "予以公开", "总计")
    cells = [td.text_content().strip() for td in tr.xpath("td")]
    assert cells[1:4] == [f"{now.value:g}", f"{before.value:g}", f"{now.value - before.value:+g}"]
    assert cells[4] == f"{len(now.rows)} 条"
    listed = appendix.xpath(".//tbody/tr")
    assert len(listed) == now.value
    header = [th.text_content() for th in appendix.xpath(".//thead//th")]
    column = header.index("编号")
    assert {tr.xpath("th|td")[column].text_content() for tr in listed} == set(now.rows["编号"])
    assert "上一年未在输出文件夹中发布" in html  # last year computed from the same ledgers
    assert "示例街道2024年政府信息公开工作年度报告（审核版）" in page.xpath("string(//h1)")
    assert inputs_hash(EXAMPLE, 2024) in html
    # The prose of 总体情况 repeats last year's almost word for word (data/example/2023, 2024).
    prose = page.get_element_by_id("prose").getparent()
    assert "总体情况" in prose.text_content()


def test_last_year_values_come_from_the_published_figures_csv(tmp_path):
    _, traced = _traced(EXAMPLE, 2024)
    published = tmp_path / "2023" / "figures.csv"
    published.parent.mkdir()
    rows = [{"table": f.table, "row": f.row, "column": f.column, "value": "1000"} for f in traced]
    with published.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, ["table", "row", "column", "value"])
        writer.writeheader()
        writer.writerows(rows)
    page = lxml.html.fromstring(_review(EXAMPLE, 2024, published))
    tr, _ = _figure_row(page, REQUESTS, "予以公开", "总计")
    assert [td.text_content().strip() for td in tr.xpath("td")][2] == "1000"
    assert "▲ 明显变化" in tr.text_content()
    assert "2023/figures.csv" in page.text_content()


def test_review_of_naizishan_2017_lists_the_problems_and_the_missing_ledgers():
    report = load_report(NAIZISHAN, 2017)
    html = _review(NAIZISHAN, 2017)
    page = lxml.html.fromstring(html)
    missing = page.get_element_by_id("inputs").getparent().text_content()
    for stem in report.data.missing_ledgers():
        assert f"{stem}.csv" in missing
    assert missing.count("缺失，按 0 计") == len(report.data.missing_ledgers()) > 0
    problems = page.get_element_by_id("problems").getparent().text_content()
    for p in report.problems:
        assert p.message in problems
    _, traced = _traced(NAIZISHAN, 2017)
    counted = [f for f in traced if len(f.rows)]
    assert counted
    for f in counted:  # every appendix list has exactly the figure's rows
        _, appendix = _figure_row(page, f.table, f.row, f.column)
        assert len(appendix.xpath(".//tbody/tr")) == len(f.rows)


def test_a_hostile_ledger_title_is_escaped(agency, tmp_path):
    title = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    quoted = title.replace('"', '""')
    folder = agency({"documents": f'文号,标题,类型,印发日期,废止日期\n测〔2021〕1号,"{quoted}",行政规范性文件,2021-03-01,\n'},
                    {2021: "发布日期: 2022-01-20\n"})
    html = _review(folder, 2021)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_the_review_edition_is_deterministic():
    assert _review(EXAMPLE, 2024) == _review(EXAMPLE, 2024)


def test_the_review_edition_is_chosen_by_name_or_by_its_label():
    assert parse("review,html", "--editions") == (("html", "review"), [])
    names, problems = parse(["html", "审核"], "2024/report.yaml")
    assert names == ("html",) and "（是否应为“review”，即审核版？）" in problems[0].message


def test_large_changes():
    assert is_large(10, 4) and is_large(LARGE_MIN, 0) and is_large(0, 12)
    assert not is_large(104, 100) and not is_large(3, 1) and not is_large(5, None)


@pytest.mark.slow
def test_built_with_the_other_editions_and_the_public_page_is_unchanged(tmp_path):
    html_only = build(NAIZISHAN, 2017, tmp_path / "a", DEFAULT_NOTEBOOK, editions=["html"])
    both = build(NAIZISHAN, 2017, tmp_path / "b", DEFAULT_NOTEBOOK, editions=["html", "review"])
    again = build(NAIZISHAN, 2017, tmp_path / "b", DEFAULT_NOTEBOOK, editions=["html", "review"], force=True)
    assert {p.name for p in both.output.iterdir()} >= {"report.html", "review.html"}
    assert "review.html" not in {p.name for p in html_only.output.iterdir()}
    public = (html_only.output / "report.html").read_bytes()
    assert (both.output / "report.html").read_bytes() == public
    assert "审核版" not in public.decode("utf-8")
    review = (both.output / "review.html").read_bytes()
    assert (again.output / "review.html").read_bytes() == review
    assert inputs_hash(NAIZISHAN, 2017).encode() in review
    alone = build(NAIZISHAN, 2017, tmp_path / "c", DEFAULT_NOTEBOOK, editions=["review"])
    assert {p.name for p in alone.output.iterdir()} == {".inputs.sha256", ".figure-rows.json", "figures.csv", "report.ipynb",
                                                        "review.html"}
    assert (alone.output / "review.html").read_bytes() == review


@pytest.mark.slow
def test_the_build_compares_with_last_years_published_report(tmp_path):
    build(EXAMPLE, 2023, tmp_path, DEFAULT_NOTEBOOK, editions=["html"])
    this = build(EXAMPLE, 2024, tmp_path, DEFAULT_NOTEBOOK, editions=["review"])
    html = (this.output / "review.html").read_text(encoding="utf-8")
    assert "上一年已发布报告的 figures.csv（2023/figures.csv，SHA-256 前 12 位 " in html
    page = lxml.html.fromstring(html)
    tr, _ = _figure_row(page, REQUESTS, "予以公开", "总计")
    _, last = _traced(EXAMPLE, 2023)
    before = next(f for f in last if f.key == (REQUESTS, "予以公开", "总计"))
    assert [td.text_content().strip() for td in tr.xpath("td")][2] == f"{before.value:g}"


def test_counted_rows_say_what_each_row_adds():
    """Hand-made ledgers: a decision adds its 数量; an item that came into force adds +1 to 本年增/减, one
    that was cancelled −1, one in force all year nothing; a fee adds its yuan."""
    import pandas as pd

    from ogi_report.figures import compute, counted_rows
    from ogi_report.ledgers import empty_ledger, parse_ledger

    def typed(stem: str, rows: list[list[str]], header: list[str]) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=header).assign(_row=range(2, len(rows) + 2))
        ledger, problems = parse_ledger(stem, frame, f"{stem}.csv")
        assert not problems
        return ledger

    ledgers = {stem: empty_ledger(stem) for stem in ("proactive", "documents", "fees", "procurement", "requests",
                                                     "appeals")}
    ledgers["decisions"] = typed("decisions", [["2019-03-01", "行政许可", "5"], ["2019-04-01", "行政许可", ""],
                                               ["2018-04-01", "行政许可", "7"]], ["决定日期", "类型", "数量"])
    ledgers["items"] = typed("items", [["甲", "行政许可", "2015-01-01", ""], ["乙", "行政许可", "2019-05-01", ""],
                                       ["丙", "行政许可", "2015-01-01", "2019-06-01"]],
                             ["事项名称", "类型", "设立日期", "取消日期"])
    ledgers["fees"] = typed("fees", [["2019-02-01", "工本费", "40"], ["2019-03-01", "工本费", "120.5"]],
                            ["收费日期", "项目", "金额（元）"])
    figures = compute(ledgers, {}, 2019)
    traced = counted_rows(ledgers, 2019).counted

    def rows(measure):
        [part] = traced[measure]
        return list(ledgers[part.ledger]["_row"].to_numpy()[part.positions]), list(part.addends)

    assert figures["decisions.行政许可"] == 6 and rows("decisions.行政许可") == ([2, 3], [5, 1])
    assert figures["items.previous.行政许可"] == 2 and rows("items.previous.行政许可") == ([2, 4], [1, 1])
    assert figures["items.change.行政许可"] == 0 and rows("items.change.行政许可") == ([3, 4], [1, -1])
    assert figures["fees.total_wan"] == 0.02 and rows("fees.total_wan") == ([2, 3], [40.0, 120.5])


def test_a_figure_of_many_rows_lists_the_first_ones_and_says_how_many_more(monkeypatch):
    from ogi_report import review

    monkeypatch.setattr(review, "LISTED_ROWS", 3)
    page = lxml.html.fromstring(_review(EXAMPLE, 2024))
    _, traced = _traced(EXAMPLE, 2024)
    index, figure = next((i, f) for i, f in enumerate(traced) if f.key == (REQUESTS, "予以公开", "总计"))
    section = page.get_element_by_id(f"f-{index}").getparent()
    assert len(section.xpath(".//tbody/tr")) == 3
    assert section.xpath("string(.//caption)").startswith(f"计入的 {len(figure.rows)} 条记录")  # all of them
    assert f"只列出前 3 条；其余 {len(figure.rows) - 3} 条" in section.xpath("string(.//p[@class='omitted'])")
