"""Reading and validating ledgers: encodings, Excel, and errors that name file, row and column."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pandas as pd
import pytest

from ogi_report.build import data_inputs, inputs_hash
from ogi_report.cli import main
from ogi_report.ledgers import load_agency_data
from ogi_report.problems import InputError

PROACTIVE = (
    "发布日期,标题,类别,渠道\n"
    "2017-03-01,关于春耕的通知,规范性文件,政府网站、政务公开栏\n"
    "2017-04-02,低保公示,,政府网站\n"
)


def _problems(folder, year=2017) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_agency_data(folder, year)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_read_without_mojibake(agency, encoding):
    folder = agency({"proactive": PROACTIVE}, {2017: "发布日期: 2018-01-10\n"}, encoding=encoding)
    data = load_agency_data(folder, 2017)
    assert list(data.ledgers["proactive"]["title"]) == ["关于春耕的通知", "低保公示"]
    assert data.ledgers["proactive"]["channels.政务公开栏"].tolist() == [True, False]


def test_unknown_channel_names_file_row_and_column(agency):
    text = PROACTIVE + "2017-05-01,某通知,,政府网站、电视台\n"
    folder = agency({"proactive": text}, {2017: "发布日期: 2018-01-10\n"})
    problems = _problems(folder)
    assert len(problems) == 1
    assert "proactive.csv" in problems[0] and "第4行" in problems[0] and "「渠道」列" in problems[0]
    assert "电视台" in problems[0] and "政务公开栏" in problems[0]  # names the bad value and the allowed ones


def test_errors_are_collected_together_with_excel_row_numbers_across_blank_lines(agency):
    text = ("编号,收到日期,申请人类型,办理结果,答复日期\n"
            "A1,2019-02-30,自然人,,\n"
            "\n"
            "A2,2019-03-01,个人,,\n"
            "A1,2019-03-02,自然人,予以公开,2019-03-01\n")
    folder = agency({"requests": text}, {2019: "发布日期: 2020-01-10\n"})
    problems = _problems(folder, 2019)
    joined = "\n".join(problems)
    assert "第2行 「收到日期」列" in joined and "2019-02-30" in joined  # impossible date
    assert "第4行 「申请人类型」列" in joined and "个人" in joined  # row 3 is blank, Excel numbering kept
    assert "第5行 「编号」列" in joined and "第2行已有" in joined  # duplicate 编号
    assert len(problems) == 3


def test_reply_before_receipt_and_half_filled_reply(agency):
    text = ("编号,收到日期,申请人类型,办理结果,答复日期\n"
            "A1,2019-03-05,自然人,予以公开,2019-03-01\n"
            "A2,2019-03-05,自然人,予以公开,\n"
            "A3,2019-03-05,自然人,,2019-03-09\n"
            "A4,2019-03-05,自然人,同意公开,2019-03-09\n")
    problems = "\n".join(_problems(agency({"requests": text}, {2019: "发布日期: 2020-01-10\n"}), 2019))
    assert "第2行 「答复日期」列：答复日期早于收到日期" in problems
    assert "第3行 「答复日期」列" in problems and "同时填写" in problems
    assert "第4行 「办理结果」列" in problems
    assert "第5行 「办理结果」列" in problems and "2018年及以前" in problems


def test_missing_required_column_and_bad_counts(agency):
    decisions = "决定日期,类型,数量\n2021-01-01,行政许可,-2\n2021-01-02,行政处罚,1.5\n2021-01-03,行政强制,\n"
    problems = "\n".join(_problems(agency(
        {"decisions": decisions, "fees": "收费日期,项目\n2021-01-01,工本费\n"}, {2021: "发布日期: 2022-01-10\n"}
    ), 2021))
    assert "fees.csv" in problems and "缺少必需的列「金额（元）」" in problems
    assert "第2行 「数量」列：“-2”不是正整数" in problems
    assert "第3行 「数量」列：“1.5”不是正整数" in problems
    assert "第4行" not in problems  # empty 数量 means 1


def test_full_width_digits_spaces_and_date_spellings(agency):
    text = "决定日期,类型,数量\n２０２１－０３－０５ , 行政许可 ,１２\n2021/3/6,行政处罚,3\n2021年3月7日,行政强制,\n"
    data = load_agency_data(agency({"decisions": text}, {2021: "发布日期: 2022-01-10\n"}), 2021)
    frame = data.ledgers["decisions"]
    assert frame["date"].dt.date.tolist() == [date(2021, 3, 5), date(2021, 3, 6), date(2021, 3, 7)]
    assert frame["type"].tolist() == ["行政许可", "行政处罚", "行政强制"]
    assert frame["count"].tolist() == [12, 3, 1]


def test_xlsx_ledger_with_date_cells_text_dates_and_numbers_as_text(agency, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    folder = agency(years={2019: "发布日期: 2020-01-10\n"})
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编号", "收到日期", "申请人类型", "办理结果", "答复日期"])
    sheet.append([1001, datetime(2019, 5, 6), "自然人", "予以公开", "2019-05-20"])
    sheet.append(["1002", "2019/6/1", "商业企业", None, None])
    book.save(folder / "requests.xlsx")
    frame = load_agency_data(folder, 2019).ledgers["requests"]
    assert frame["id"].tolist() == ["1001", "1002"]
    assert frame["received"].dt.date.tolist() == [date(2019, 5, 6), date(2019, 6, 1)]
    assert frame["replied"].isna().tolist() == [False, True]
    assert frame["_row"].tolist() == [2, 3]


def test_missing_ledgers_count_as_zero_but_no_ledger_at_all_is_an_error(agency):
    folder = agency({"proactive": PROACTIVE}, {2017: "发布日期: 2018-01-10\n"})
    data = load_agency_data(folder, 2017)
    assert "requests" in data.missing_ledgers()
    assert len(data.ledgers["requests"]) == 0
    (folder / "proactive.csv").unlink()
    assert any("没有任何台账文件" in p for p in _problems(folder))


def test_malformed_yaml_and_unknown_facts(agency):
    folder = agency({"proactive": PROACTIVE}, {2017: "发布日期: 2018-13-40\n专职人员: 1\n举办各类培训班数: -1\n"})
    (folder / "agency.yaml").write_text("名称: [未闭合\n", encoding="utf-8")
    problems = "\n".join(_problems(folder))
    assert "agency.yaml" in problems and "YAML 格式错误" in problems
    assert "「发布日期」缺失或不是有效日期" in problems
    assert "未知的项：专职人员" in problems
    assert "「举办各类培训班数」的值“-1”应为非负整数" in problems


def test_both_csv_and_xlsx_is_an_error(agency):
    folder = agency({"proactive": PROACTIVE}, {2017: "发布日期: 2018-01-10\n"})
    pd.DataFrame({"a": [1]}).to_csv(folder / "proactive.xlsx")
    assert any("多个文件" in p for p in _problems(folder))


# --- never silently wrong: values that used to pass as something else ---------------------------


def test_duplicate_ids_differing_only_in_spaces_or_full_width_are_duplicates(agency):
    text = ("编号,收到日期,申请人类型,办理结果,答复日期\n"
            "A1,2019-03-01,自然人,,\n"
            "A1 ,2019-03-02,自然人,,\n"
            "\u3000A1,2019-03-03,自然人,,\n"
            "Ａ１,2019-03-04,自然人,,\n"
            "A2,2019-03-05,自然人,,\n")
    problems = _problems(agency({"requests": text}, {2019: "发布日期: 2020-01-10\n"}), 2019)
    assert problems == [f"错误：requests.csv 第{row}行 「编号」列：编号“A1”重复（第2行已有）" for row in (3, 4, 5)]


def test_excel_error_values_in_a_csv_are_errors_not_counted(agency):
    decisions = "决定日期,类型,数量\n2021-01-01,行政许可,#N/A\n#VALUE!,行政处罚,2\n"
    fees = "收费日期,项目,金额（元）\n2021-01-01,工本费,#DIV/0!\n"
    problems = _problems(agency({"decisions": decisions, "fees": fees}, {2021: "发布日期: 2022-01-10\n"}), 2021)
    assert problems == [
        "错误：decisions.csv 第2行 「数量」列：单元格是 Excel 错误值“#N/A”（公式出错），请在 Excel 中改正公式或填写数值",
        "错误：decisions.csv 第3行 「决定日期」列：单元格是 Excel 错误值“#VALUE!”（公式出错），请在 Excel 中改正公式或填写数值",
        "错误：fees.csv 第2行 「金额（元）」列：单元格是 Excel 错误值“#DIV/0!”（公式出错），请在 Excel 中改正公式或填写数值",
    ]


def test_xlsx_error_cells_and_formulas_without_cached_values_are_errors(agency):
    openpyxl = pytest.importorskip("openpyxl")
    folder = agency(years={2021: "发布日期: 2022-01-10\n"})
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["决定日期", "类型", "数量"])
    sheet.append(["2021-01-01", "行政许可", "#N/A"])  # openpyxl stores this as an error cell
    sheet.append(["2021-01-02", "行政处罚", "=1+1"])  # a formula never calculated: no cached value
    sheet.append(["2021-01-03", "行政强制", 4])
    book.save(folder / "decisions.xlsx")
    assert _problems(folder, 2021) == [
        "错误：decisions.xlsx 第2行 「数量」列：单元格是 Excel 错误值“#N/A”（公式出错），请在 Excel 中改正公式或填写数值",
        "错误：decisions.xlsx 第3行 「数量」列：公式单元格没有保存计算结果，无法读取其值；请在 Excel 中打开并重新保存此文件",
    ]


def test_agency_yaml_values_are_read_as_text(agency):
    folder = agency({"proactive": PROACTIVE}, {2017: "发布日期: 2018-01-10\n"})
    (folder / "agency.yaml").write_text(
        "名称: 测试街道办事处\n简称: yes\n邮编: 010010\n电话: 043267201262\n地址: .inf\n电子邮箱:\n", encoding="utf-8")
    agency_ = load_agency_data(folder, 2017).agency
    assert (agency_.short_name, agency_.postcode, agency_.phone, agency_.address, agency_.email) == (
        "yes", "010010", "043267201262", ".inf", "")
    (folder / "agency.yaml").write_text("名称: [测试, 街道]\n简称: 测试街\n", encoding="utf-8")
    assert _problems(folder) == ["错误：agency.yaml：「名称」应为一段文字"]


@pytest.mark.parametrize("text", [
    "发布日期: 2022-01-10\n专职人员数: .inf\n",
    "发布日期: 2022-01-10\n专职人员数: .nan\n",
    "发布日期: 2022-01-10\n专职人员数: true\n",
    "发布日期: 2022-01-10\n专职人员数: 100000000000000000000\n",
    "发布日期: 2022-01-10\n政府信息公开专项经费万元: .inf\n",
    "发布日期: 2022-01-10\n政府信息公开专项经费万元: .NaN\n",
])
def test_report_yaml_figures_must_be_finite_numbers(agency, text):
    problems = _problems(agency({"proactive": PROACTIVE}, {2021: text}), 2021)
    assert len(problems) == 1 and "2021/report.yaml" in problems[0] and "的值" in problems[0]


def test_report_yaml_published_before_the_end_of_its_year(agency):
    folder = agency({"proactive": PROACTIVE}, {2021: "发布日期: 2021-01-20\n"})
    assert _problems(folder, 2021) == [
        "错误：2021/report.yaml：「发布日期」2021-01-20不在2021年之后；2021年度报告应在2022年发布"]


def test_report_yaml_appendix_that_is_not_a_name_or_list(agency):
    folder = agency({"proactive": PROACTIVE}, {2021: "发布日期: 2022-01-20\n附录: 5\n"})
    assert _problems(folder, 2021) == [
        "错误：2021/report.yaml：「附录」的值“5”应为附录名称或名称的列表；允许的值：本年制发规范性文件目录"]


def test_ledger_dates_outside_a_plausible_range_name_the_cell(agency):
    text = ("编号,收到日期,申请人类型,办理结果,答复日期\n"
            "A1,1600-01-01,自然人,,\n"
            "A2,2021-03-01,自然人,予以公开,9999-12-31\n"
            "A3,2022-12-31,自然人,,\n"
            "A4,1990-01-01,自然人,,\n")
    assert _problems(agency({"requests": text}, {2021: "发布日期: 2022-01-10\n"}), 2021) == [
        "错误：requests.csv 第2行 「收到日期」列：日期“1600-01-01”不在合理范围内（应在1990年至2022年之间），请核对",
        "错误：requests.csv 第3行 「答复日期」列：日期“9999-12-31”不在合理范围内（应在1990年至2022年之间），请核对",
    ]


def test_ledger_dates_may_reach_the_latest_report_year_of_the_agency(agency):
    text = "编号,收到日期,申请人类型,办理结果,答复日期\nA1,2024-03-01,自然人,,\n"
    folder = agency({"requests": text}, {2021: "发布日期: 2022-01-10\n", 2023: "发布日期: 2024-01-10\n"})
    assert len(load_agency_data(folder, 2021).ledgers["requests"]) == 1


def test_commas_only_as_thousands_separators_and_counts_capped(agency):
    fees = "收费日期,项目,金额（元）\n2021-01-01,工本费,\"1,200.50\"\n2021-01-02,工本费,\"120,50\"\n"
    decisions = ("决定日期,类型,数量\n2021-01-01,行政许可,\"1,000\"\n"
                 "2021-01-02,行政处罚,12345678901234567890\n2021-01-03,行政强制,1000000000\n")
    folder = agency({"fees": fees, "decisions": decisions}, {2021: "发布日期: 2022-01-10\n"})
    assert _problems(folder, 2021) == [
        "错误：decisions.csv 第3行 「数量」列：“12345678901234567890”超过上限 1000000000，请核对",
        "错误：fees.csv 第3行 「金额（元）」列：“120,50”不是非负金额（元），例如 120.50",
    ]
    (folder / "decisions.csv").write_text("决定日期,类型,数量\n2021-01-01,行政许可,\"1,000\"\n", encoding="utf-8")
    (folder / "fees.csv").write_text("收费日期,项目,金额（元）\n2021-01-01,工本费,\"1,200.50\"\n", encoding="utf-8")
    data = load_agency_data(folder, 2021)
    assert data.ledgers["decisions"]["count"].tolist() == [1000]
    assert data.ledgers["fees"]["amount"].tolist() == [1200.5]


BILLION_LAUGHS = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


@pytest.mark.parametrize("file", ["agency.yaml", "2021/report.yaml"])
def test_yaml_aliases_are_refused_quickly(agency, file):
    folder = agency({"proactive": PROACTIVE}, {2021: "发布日期: 2022-01-10\n"})
    (folder / file).write_text(BILLION_LAUGHS, encoding="utf-8")
    problems = _problems(folder, 2021)
    assert f"错误：{file} 第1行：不允许使用 YAML 锚点和别名（& 和 *）；请把内容直接写出" in problems


def test_oversized_yaml_is_refused(agency):
    folder = agency({"proactive": PROACTIVE}, {2021: "发布日期: 2022-01-10\n"})
    (folder / "agency.yaml").write_text("名称: 测试\n简称: 测试\n" + "# padding\n" * 200_000, encoding="utf-8")
    assert _problems(folder, 2021) == ["错误：agency.yaml：文件过大（超过 1 MB），不是有效的 agency.yaml"]

def test_narrative_of_every_required_part_is_read_by_its_stem(agency):
    folder = agency({"proactive": PROACTIVE}, {2021: "发布日期: 2022-01-10\n"},
                    {2021: {"主动公开政府信息情况": "可选的表前文字。"}})
    (folder / "2021" / "narrative" / ".DS_Store").write_bytes(b"\x00")  # the file manager's, not prose
    data = load_agency_data(folder, 2021)
    assert set(data.narrative) == {"总体情况", "存在的主要问题及改进情况", "其他需要报告的事项", "主动公开政府信息情况"}
    assert data.narrative["主动公开政府信息情况"] == ("2021/narrative/主动公开政府信息情况.md", "可选的表前文字。")


def test_no_narrative_folder_names_each_required_file(agency):
    folder = agency({"proactive": PROACTIVE}, {2021: "发布日期: 2022-01-10\n"})
    shutil.rmtree(folder / "2021" / "narrative")
    problems = _problems(folder, 2021)
    assert problems == [
        f"错误：2021/narrative/{stem}.md：文件不存在：「{heading}」部分必须有文字稿，请新建此文件"
        for stem, heading in [("其他需要报告的事项", "六、其他需要报告的事项"),
                              ("存在的主要问题及改进情况", "五、存在的主要问题及改进情况"),
                              ("总体情况", "一、总体情况")]
    ]


def test_customary_format_requires_prose_only_where_there_is_no_indicator_table(agency):
    folder = agency({"proactive": PROACTIVE}, {2017: "发布日期: 2018-01-10\n"})
    assert sorted(p.name for p in (folder / "2017" / "narrative").iterdir()) == ["基本工作情况.md", "存在问题及工作打算.md"]
    (folder / "2017" / "narrative" / "存在问题及工作打算.md").write_text(" \n\u3000\n", encoding="utf-8")
    problems = _problems(folder, 2017)
    assert problems == ["错误：2017/narrative/存在问题及工作打算.md：内容为空：「七、存在问题及工作打算」部分必须有文字稿，"
                        "请在此文件中写明该部分内容"]


@pytest.mark.parametrize(("name", "expected"), [
    ("存在的主要问题和改进情况.md", "是否应命名为 存在的主要问题及改进情况.md？"),
    ("五、存在的主要问题及改进情况.md", "是否应命名为 存在的主要问题及改进情况.md？"),
    ("存在的主要问题及改进情况.txt", "是否应命名为 存在的主要问题及改进情况.md？"),
    ("存在的主要问题及改进情况.docx", "是否应命名为 存在的主要问题及改进情况.md？"),
    ("说明.md", "文字稿的文件名为部分标题去掉序号再加 .md：总体情况.md、主动公开政府信息情况.md"),
])
def test_misnamed_narrative_file_is_an_error_suggesting_the_expected_name(agency, name, expected):
    folder = agency({"proactive": PROACTIVE}, {2021: "发布日期: 2022-01-10\n"})
    narrative = folder / "2021" / "narrative"
    (narrative / "存在的主要问题及改进情况.md").rename(narrative / name)
    problems = _problems(folder, 2021)
    misnamed = [p for p in problems if p.startswith(f"错误：2021/narrative/{name}：")]
    assert len(misnamed) == 1 and "不是本年度报告任何部分的文字稿，其内容不会出现在报告中；" in misnamed[0]
    assert expected in misnamed[0]
    missing = [p for p in problems if p.startswith("错误：2021/narrative/存在的主要问题及改进情况.md：文件不存在")]
    # The suggestion already names the missing file; without one, the missing file is named on its own.
    assert len(problems) == 1 if "是否应命名为" in expected else len(missing) == 1 and len(problems) == 2


def test_narrative_and_ledger_errors_are_reported_together(agency):
    text = PROACTIVE + "2021-05-01,某通知,,电视台\n"
    folder = agency({"proactive": text}, {2021: "发布日期: 2022-01-10\n"})
    (folder / "2021" / "narrative" / "总体情况.md").unlink()
    problems = _problems(folder, 2021)
    assert len(problems) == 2
    assert "总体情况.md：文件不存在" in problems[0] and "proactive.csv 第4行" in problems[1]

REQUESTS_HEADER = ["编号", "收到日期", "申请人类型", "办理结果", "答复日期"]


def _workbook(path, sheets: dict[str, list[list]]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_xlsx_title_row_repeated_extra_columns_and_blank_headers_keep_excel_row_numbers(agency):
    folder = agency(years={2019: "发布日期: 2020-01-10\n"})
    _workbook(folder / "requests.xlsx", {"台账": [
        ["2019年政府信息公开申请台账"],
        ["编号", "收到日期", "备注", "申请人类型", "办理结果", "答复日期", "备注", None, None],
        ["A1", "2019-05-06", "电话催办", "自然人", "予以公开", "2019-05-20", "已归档", "x", None],
        ["A2", "2019-06-01", None, "个人", None, None, None, None, "y"],
    ]})
    problems = _problems(folder, 2019)
    assert problems == ["错误：requests.xlsx 第4行 「申请人类型」列：“个人”不是允许的值；允许的值："
                        + problems[0].split("允许的值：")[-1]]
    _workbook(folder / "requests.xlsx", {"台账": [
        ["2019年政府信息公开申请台账"], [], [*REQUESTS_HEADER, "备注", "备注", None],
        ["A1", "2019-05-06", "自然人", "予以公开", "2019-05-20", "甲", "乙", "丙"],
    ]})
    frame = load_agency_data(folder, 2019).ledgers["requests"]
    assert frame["id"].tolist() == ["A1"] and frame["applicant"].tolist() == ["自然人"]
    assert frame["_row"].tolist() == [4]


def test_xlsx_contract_column_given_twice_is_an_error_naming_both_columns(agency):
    folder = agency(years={2019: "发布日期: 2020-01-10\n"})
    _workbook(folder / "requests.xlsx", {"Sheet1": [
        ["申请台账"], [*REQUESTS_HEADER, "申请人类型"], ["A1", "2019-05-06", "", "", "", "自然人"],
    ]})
    assert _problems(folder, 2019) == [
        "错误：requests.xlsx 第2行 「申请人类型」列：表头中有 2 列都叫「申请人类型」（第C、F列）；"
        "请删除多余的列或改正列名，只保留一列"]


def test_xlsx_ledger_on_a_later_sheet_is_read_and_said(agency, capsys):
    folder = agency(years={2019: "发布日期: 2020-01-10\n"})
    _workbook(folder / "requests.xlsx", {
        "填表说明": [["编号：每件申请一个"], ["收到日期：YYYY-MM-DD"]],
        "2019年": [REQUESTS_HEADER, ["A1", "2019-05-06", "自然人", "予以公开", "2019-05-20"]],
    })
    data = load_agency_data(folder, 2019)
    assert data.ledgers["requests"]["id"].tolist() == ["A1"]
    warning = "警告：requests.xlsx：读取的是第2个工作表「2019年」（第一个工作表「填表说明」没有本台账的表头）"
    assert [str(p) for p in data.warnings] == [warning]
    main(["check", str(folder), "--year", "2019"])
    assert warning in capsys.readouterr().out


def test_xlsx_two_sheets_with_the_ledger_header_is_an_error(agency):
    folder = agency(years={2019: "发布日期: 2020-01-10\n"})
    row = ["A1", "2019-05-06", "自然人", "予以公开", "2019-05-20"]
    _workbook(folder / "requests.xlsx", {"2018年": [REQUESTS_HEADER, row], "2019年": [REQUESTS_HEADER, row]})
    assert _problems(folder, 2019) == [
        "错误：requests.xlsx：有 2 个工作表（「2018年」、「2019年」）都有本台账的表头，只能读取其中一个；"
        "请把记录合并到一个工作表中，删除其他工作表"]


def test_csv_title_row_above_the_header_and_tab_separated_header_with_spaces(agency):
    text = "2021年行政处罚台账,,\n决定日期, 类 型 ,数量\n2021-03-05,行政许可,2\n2021-03-06,行政罚款,\n"
    problems = _problems(agency({"decisions": text}, {2021: "发布日期: 2022-01-10\n"}), 2021)
    assert len(problems) == 1 and problems[0].startswith("错误：decisions.csv 第4行 「类型」列：“行政罚款”")
    text = "行政处罚台账\n决定日期\t类型\t数量\n2021-03-05\t行政许可\t2\n"
    frame = load_agency_data(agency({"decisions": text}, {2021: "发布日期: 2022-01-10\n"}), 2021).ledgers["decisions"]
    assert frame["count"].tolist() == [2] and frame["_row"].tolist() == [3]


def test_ledger_names_in_any_case_and_with_stray_spaces_are_read_and_hashed(agency):
    folder = agency({"proactive": PROACTIVE}, {2017: "发布日期: 2018-01-10\n"})
    (folder / "proactive.csv").rename(folder / "Proactive .CSV")
    (folder / "fees .csv").write_text("收费日期,项目,金额（元）\n2017-02-01,工本费,10\n", encoding="utf-8")
    data = load_agency_data(folder, 2017)
    assert data.sources["proactive"] == "Proactive .CSV" and data.sources["fees"] == "fees .csv"
    assert len(data.ledgers["proactive"]) == 2 and data.ledgers["fees"]["amount"].tolist() == [10.0]
    assert {p.name for p in data_inputs(folder, 2017)} >= {"Proactive .CSV", "fees .csv"}
    before = inputs_hash(folder, 2017)
    (folder / "Proactive .CSV").write_text(PROACTIVE.replace("低保公示", "低保名单"), encoding="utf-8")
    assert inputs_hash(folder, 2017) != before


@pytest.mark.parametrize("name, says", [
    ("requests.ods", "OpenDocument 表格格式（.ods）"), ("Requests.XLS", "旧版 Excel 格式（.xls）"),
    ("requests2021.xlsx", "请改名为 requests.xlsx"), ("政府信息公开申请台账.csv", "请改名为 requests.csv"),
])
def test_ledger_that_would_not_be_read_is_an_error_not_a_missing_ledger(agency, name, says):
    folder = agency({"proactive": PROACTIVE}, {2017: "发布日期: 2018-01-10\n"})
    (folder / name).write_bytes(b"x")
    (folder / "~$proactive.xlsx").write_bytes(b"")  # Excel's lock file beside an open workbook: ignored
    (folder / "notes.csv").write_bytes(b"")  # not meant as a ledger: ignored
    problems = _problems(folder)
    assert len(problems) == 1 and problems[0].startswith(f"错误：{name}：") and says in problems[0]


def test_uncalculated_formulas_are_found_on_the_sheet_actually_read(tmp_path):
    """The ledger on the second sheet below a title row: its formula cells are named with Excel's row,
    and a formula in the title row (=TODAY()) is not a ledger value."""
    import openpyxl

    from ogi_report.ledgers import load_ledger

    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active["A5"] = "=1/0"  # the instructions sheet is not the ledger
    sheet = book.create_sheet("台账")
    sheet.append(["处理决定台账", "=TODAY()"])
    sheet.append(["决定日期", "类型", "数量"])
    sheet.append(["2021-03-01", "行政许可", 3])
    sheet.append(["2021-04-01", "行政许可", "=SUM(C3:C3)"])
    book.save(tmp_path / "decisions.xlsx")
    _, _, problems = load_ledger(tmp_path, "decisions", 2021)
    errors = [(p.row, p.column) for p in problems if not p.warning]
    assert errors == [(4, "数量")], problems
    assert "公式单元格没有保存计算结果" in next(p.message for p in problems if not p.warning)


def test_links_out_of_the_agency_folder_are_not_read(tmp_path):
    from .conftest import make_agency

    """A narrative linked to /etc/passwd was published in the HTML and PDF; a ledger link was followed."""
    from ogi_report.ledgers import load_agency_data

    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    other = tmp_path / "elsewhere.csv"
    other.write_text("发布日期,标题,类别,渠道\n2021-01-05,别人的台账,,政府网站\n", encoding="utf-8")
    folder = make_agency(tmp_path / "data", years={2021: "发布日期: 2022-01-20\n"},
                         narrative={2021: {"存在的主要问题及改进情况": "无。", "其他需要报告的事项": "无。"}},
                         ledgers={"requests": "编号,收到日期,申请人类型,办理结果,答复日期\n"})
    (folder / "2021" / "narrative" / "总体情况.md").unlink()
    (folder / "2021" / "narrative" / "总体情况.md").symlink_to(secret)
    (folder / "proactive.csv").symlink_to(other)
    with pytest.raises(InputError) as caught:
        load_agency_data(folder, 2021)
    text = caught.value.text()
    assert "root:x" not in text and "别人的台账" not in text
    found = {(p.file, "机构文件夹以外" in p.message) for p in caught.value.problems}
    assert found == {("2021/narrative/总体情况.md", True), ("proactive.csv", True)}
