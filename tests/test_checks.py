"""Each consistency rule of spec/official-templates.md, fed a case that breaks it, reports its id."""

from __future__ import annotations

from ogi_report import checks
from ogi_report.figures import compute
from ogi_report.formats import get_format
from ogi_report.ledgers import LEDGERS, empty_ledger, load_agency_data
from ogi_report.report import Report

FMT = get_format("2021")


def _figures(year=2021):
    return compute({stem: empty_ledger(stem) for stem in LEDGERS}, {}, year)


def _rules(problems):
    return {p.rule for p in problems}


def test_consistent_figures_break_no_rule():
    f = _figures()
    assert checks.o1(FMT, f) + checks.i1(FMT, f) + checks.i2(FMT, f) + checks.i3(FMT, f) + checks.i4(f) == []


def test_o1_new_plus_carried_must_equal_replied_plus_carried_out():
    f = _figures()
    f["requests.received.自然人"] = 1
    f["requests.received.总计"] = 1
    problems = checks.o1(FMT, f)
    assert _rules(problems) == {"O1"} and "自然人" in problems[0].message


def test_i1_row_total_is_the_sum_of_applicants():
    f = _figures()
    f["requests.replied.予以公开.总计"] = 2
    assert [p.rule for p in checks.i1(FMT, f)] == ["I1"]


def test_i2_column_total_is_the_sum_of_results():
    f = _figures()
    f["requests.replied.不予公开/属于国家秘密.其他"] = 1
    assert "I2" in _rules(checks.i2(FMT, f))


def test_i3_appeal_totals():
    f = _figures()
    f["appeals.行政复议.维持"] = 1
    assert [p.rule for p in checks.i3(FMT, f)] == ["I3"]


def test_i4_counts_are_non_negative_integers_but_changes_may_be_negative():
    f = _figures()
    f["decisions.行政许可"] = -1
    f["documents.issued.规章"] = 1.5
    f["items.change.行政许可"] = -3
    f["fees.total_wan"] = 0.25
    assert len(checks.i4(f)) == 2 and _rules(checks.i4(f)) == {"I4"}


def test_i5_carry_over_must_match_last_year():
    f, previous = _figures(), _figures(2020)
    previous["requests.carried_out.商业企业"] = 2
    problems = checks.i5(FMT, f, previous)
    assert [p.rule for p in problems] == ["I5"] and "商业企业" in problems[0].message


def test_i6_documents_in_force_is_a_warning():
    f, previous = _figures(), _figures(2020)
    previous["documents.in_force.行政规范性文件"] = 5
    problems = checks.i6(f, previous)
    assert [p.rule for p in problems] == ["I6"] and problems[0].warning


def _report(agency, prose, published="2022-01-20", year=2021):
    requests = ("编号,收到日期,申请人类型,办理结果,答复日期\n"
                "A1,2021-03-01,自然人,予以公开,2021-03-10\nA2,2021-04-01,商业企业,予以公开,2021-04-10\n")
    folder = agency({"requests": requests}, {year: f"发布日期: {published}\n"}, {year: {"总体情况": prose}})
    return Report(load_agency_data(folder, year))


def test_i7_a_typed_number_contradicting_the_tables_is_an_error(agency):
    report = _report(agency, "本年新收政府信息公开申请{{ 本年新收申请数 }}件。\n\n全年共收到申请3件，其中予以公开2件。")
    i7 = [p for p in report.problems if p.rule == "I7"]
    assert len(i7) == 1
    assert i7[0].file == "2021/narrative/总体情况.md" and i7[0].row == 3 and not i7[0].warning
    assert "收到申请3件" in i7[0].message and "2" in i7[0].message


def test_i7_agreeing_numbers_pass(agency):
    report = _report(agency, "全年共收到申请2件，其中予以公开2件，占{{ 予以公开占比 }}%。")
    assert report.problems == []
    assert "占100%" in report.filled_prose["总体情况"]



def test_the_fee_statement_comes_before_the_analysts_closing_sentence_of_section_six(agency):
    closing = "本年度无其他需要报告的事项。"
    folder = agency({}, {2021: "发布日期: 2022-01-20\n"},
                    {2021: {"其他需要报告的事项": f"街道办事处无其他重大事项。\n\n全年共收到申请3件。\n\n{closing}"}})
    (folder / "proactive.csv").write_text("发布日期,标题,类别,渠道\n", encoding="utf-8")
    report = Report(load_agency_data(folder, 2021))
    html = report.prose("其他需要报告的事项")
    assert html.index("未收取政府信息公开信息处理费") < html.index("街道办事处无其他重大事项")
    assert html.rstrip().endswith(f"<p>{closing}</p>")
    # I7 still points at the row of the analyst's file, not counting the format's statement.
    i7 = [(p.file, p.row) for p in report.problems if p.rule == "I7"]
    assert i7 == [("2021/narrative/其他需要报告的事项.md", 3)]

def test_c1_late_publication_is_a_warning(agency):
    report = _report(agency, "本年度政务公开工作有序开展。", published="2022-02-01")
    c1 = [p for p in report.problems if p.rule == "C1"]
    assert len(c1) == 1 and c1[0].warning and "2022-01-31" in c1[0].message


def test_c1_customary_deadline_is_31_march(agency):
    folder = agency({"proactive": "发布日期,标题,类别,渠道\n"}, {2017: "发布日期: 2018-03-31\n"})
    assert Report(load_agency_data(folder, 2017)).problems == []


def test_check_command_reports_rule_ids_and_exit_status(agency, capsys):
    from ogi_report.cli import main

    folder = agency({"requests": "编号,收到日期,申请人类型,办理结果,答复日期\nA1,2021-03-01,自然人,予以公开,2021-03-10\n"},
                    {2021: "发布日期: 2022-02-10\n"}, {2021: {"总体情况": "收到申请5件。"}})
    assert main(["check", str(folder), "--year", "2021"]) == 1
    out = capsys.readouterr().out
    assert "[I7]" in out and "[C1]" in out and "1 个错误，1 个警告" in out


def test_names_command_lists_names_even_while_the_prose_has_errors(agency, capsys):
    from ogi_report.cli import main

    folder = agency({"requests": "编号,收到日期,申请人类型,办理结果,答复日期\nA1,2021-03-01,自然人,予以公开,2021-03-10\n"},
                    {2021: "发布日期: 2022-01-20\n"}, {2021: {"总体情况": "收到{{ 新收申请 }}件。"}})
    assert main(["names", str(folder), "--year", "2021"]) == 0
    out = capsys.readouterr().out
    assert "{{ 本年新收申请数 }}\t1\t件" in out and "{{ 予以公开占比 }}\t100\t%" in out
    # the unit tells 万元 from 元 and 笔 from 件
    assert "{{ 信息处理费金额 }}\t0\t万元" in out and "{{ 信息处理费笔数 }}\t0\t笔" in out
    assert "{{ 主动公开政府信息数 }}\t0\t条" in out


def test_report_yaml_can_name_the_format(agency):
    folder = agency({"requests": "编号,收到日期,申请人类型,办理结果,答复日期\nA1,2021-03-01,自然人,其他处理/其他,2021-03-10\n"},
                    {2021: '发布日期: 2022-01-20\n格式: "2019"\n'})
    report = Report(load_agency_data(folder, 2021))
    assert report.format.id == "2019"
    table3 = report.figure_records().query("table == '三、收到和处理政府信息公开申请情况'")
    assert len(table3) == 23 * 7
    assert table3.query("row == '其他处理' and column == '自然人'")["value"].tolist() == ["1"]


def test_the_problem_list_cell_carries_the_run_summary_for_the_build(agency):
    """What the build reads from the executed notebook instead of loading the ledgers a second time."""
    import nbformat

    from ogi_report.summary import find_summary

    report = _report(agency, "本年度政务公开工作有序开展。", published="2022-02-01")
    bundle = report.problem_list()._repr_mimebundle_()
    assert "C1" in bundle["text/html"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("report.problem_list()", outputs=[
        nbformat.v4.new_output("display_data", data=bundle)])]
    again = nbformat.reads(nbformat.writes(nb), as_version=4)
    summary = find_summary(again)
    assert summary == report.summary()
    assert summary.title == "测试街2021年政府信息公开工作年度报告" and summary.format_id == report.format.id
    assert [p.rule for p in summary.warnings] == ["C1"]
    assert set(summary.missing_ledgers) == set(report.data.missing_ledgers()) and summary.missing_ledgers


def _f1(agency, year, report_yaml, ledgers):
    report = Report(load_agency_data(agency(ledgers, {year: report_yaml}), year))
    return [p for p in report.problems if p.rule == "F1"]


def test_f1_a_format_other_than_the_years_is_a_warning_naming_the_years_format(agency):
    requests = "编号,收到日期,申请人类型,办理结果,答复日期\nA1,2021-03-01,自然人,其他处理/其他,2021-03-10\n"
    f1 = _f1(agency, 2021, '发布日期: 2022-01-20\n格式: "2019"\n', {"requests": requests})
    # The trial format lumps every 其他处理 into one row: nothing is lost, so only the warning.
    assert len(f1) == 1 and f1[0].warning and f1[0].file == "2021/report.yaml"
    assert f1[0].message.startswith("2021年度应使用现行模板（国办公开办函〔2021〕30号）")


def test_f1_customary_format_drops_national_outcomes_is_an_error(agency):
    requests = ("编号,收到日期,申请人类型,办理结果,答复日期\nA0,2023-12-01,自然人,予以公开,2023-12-10\n"
                "A1,2024-03-01,自然人,予以公开,2024-03-10\nA2,2024-04-01,自然人,不予处理/重复申请,2024-04-10\n")
    f1 = _f1(agency, 2024, '发布日期: 2025-01-20\n格式: "2008"\n', {"requests": requests})
    errors = [p for p in f1 if not p.warning]
    assert len(errors) == 1
    assert (errors[0].file, errors[0].row, errors[0].column) == ("requests.csv", 3, "办理结果")
    assert "2 件申请" in errors[0].message and "请删除 2024/report.yaml 中的「格式」项" in errors[0].message


def test_f1_national_format_drops_customary_outcomes_is_an_error(agency):
    requests = "编号,收到日期,申请人类型,办理结果,答复日期\nA1,2017-03-01,自然人,同意公开,2017-03-10\n"
    f1 = _f1(agency, 2017, '发布日期: 2018-01-20\n格式: "2021"\n', {"requests": requests})
    assert [(p.file, p.row, p.warning) for p in f1 if p.file != "2017/report.yaml"] == [("requests.csv", 2, False)]


def test_f1_current_format_in_a_trial_year_drops_other_services_decisions(agency):
    decisions = "决定日期,类型,数量\n2019-03-01,行政许可,2\n2019-04-01,其他对外管理服务事项,5\n"
    f1 = _f1(agency, 2019, '发布日期: 2020-01-20\n格式: "2021"\n', {"decisions": decisions})
    errors = [p for p in f1 if not p.warning]
    assert [(p.file, p.row, p.column) for p in errors] == [("decisions.csv", 3, "类型")]
    assert "其他对外管理服务事项" in errors[0].message


def test_f1_the_years_own_format_asks_no_more_than_it_shows(agency):
    decisions = "决定日期,类型,数量\n2021-04-01,其他对外管理服务事项,5\n"
    assert _f1(agency, 2021, "发布日期: 2022-01-20\n", {"decisions": decisions}) == []


def test_f1_each_format_shows_outcome_rows_for_exactly_its_era():
    from ogi_report.figures import outcome_groups
    from ogi_report.formats import FORMAT_IDS, national_outcomes, vocabulary

    customary, national = set(vocabulary()["惯例办理结果"].values), set(national_outcomes())
    groups = outcome_groups([*customary, *national])
    for format_id in FORMAT_IDS:
        shown = checks.shown_measures(get_format(format_id))
        counted = {o for key, members in groups.items() if f"requests.replied.{key}.总计" in shown for o in members}
        assert counted == (customary if format_id == "2008" else national), format_id


def test_last_years_figures_resaved_by_excel_do_not_block_this_year(tmp_path, capsys):
    """GBK with CRLF is read as it is; a blanked value is a warning that I5 could not be checked, not a
    traceback that blocks this year's report."""
    from ogi_report.cli import main
    from ogi_report.ledgers import load_agency_data
    from ogi_report.report import Report

    from .conftest import ROOT

    example = ROOT / "data" / "example"
    previous = tmp_path / "out" / "example" / "2020"
    figures = Report(load_agency_data(example, 2020)).save_figures(previous)
    text = figures.read_text(encoding="utf-8-sig")
    figures.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    args = ["check", str(example), "--year", "2021", "--out", str(tmp_path / "out")]
    assert main(args) == 0
    # The example's 2021 replies include late ones (T1, issue 10): only those may warn here.
    out = capsys.readouterr().out
    assert "0 个错误" in out and _warnings_other_than_t1(out) == []
    carried = next(line for line in text.splitlines() if line.split(",")[1] == "四、结转下年度继续办理")
    figures.write_text(text.replace(carried, carried.rsplit(",", 1)[0] + ","), encoding="utf-8-sig")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "无法读取上一年已发布报告的结转数" in out and "0 个错误" in out
    assert [w.split("：")[1] for w in _warnings_other_than_t1(out)] == ["[I5]"]


def _warnings_other_than_t1(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("警告：") and not line.startswith("警告：[T1]")]
