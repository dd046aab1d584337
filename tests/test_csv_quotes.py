"""Quotes in CSV ledgers: a stray `"` must not swallow records silently; a cell typed over several lines
in Excel (Alt+Enter) is allowed and the rows after it keep their line numbers."""

from __future__ import annotations

import pytest

from ogi_report.ledgers import load_agency_data
from ogi_report.problems import InputError

HEADER = "发布日期,标题,类别,渠道\n"


def _problems(folder) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_agency_data(folder, 2021)
    return [str(p).removeprefix("错误：") for p in caught.value.problems]


def test_a_stray_quote_that_swallows_records_is_an_error_naming_its_row_and_column(agency):
    rows = [f"2021-01-{d:02d},通知{d},,政府网站\n" for d in range(1, 8)]
    rows[1] = '2021-01-02,"通知2,,政府网站\n'  # the quote never closes on its line
    rows[4] = '2021-01-05,通知5",,政府网站\n'
    folder = agency({"proactive": HEADER + "".join(rows)}, {2021: "发布日期: 2022-01-20\n"})
    assert _problems(folder) == [
        'proactive.csv：第3行“标题”列的引号（"）把第3–6行并成了一格，其中 3 行记录因此不会被统计；请删除多余的引号']


def test_a_quote_left_open_to_the_end_of_the_file_is_named_in_chinese(agency):
    text = HEADER + "2021-01-01,通知,,政府网站\n" + '"2021-01-02,通知,,政府网站\n' + "2021-01-03,通知,,政府网站\n"
    folder = agency({"proactive": text}, {2021: "发布日期: 2022-01-20\n"})
    assert _problems(folder) == [
        'proactive.csv：第3行“发布日期”列的引号（"）把第3–4行并成了一格，其中 1 行记录因此不会被统计；请删除多余的引号']


def test_a_title_typed_over_two_lines_is_read_and_later_rows_keep_their_numbers(agency):
    text = (HEADER + '2021-01-01,"关于某事的通知\n（第二行）",,政府网站\n'
            + "2021-01-02,通知,,政府网站\n" + "2021-01-03,通知,,邮寄\n")
    folder = agency({"proactive": text}, {2021: "发布日期: 2022-01-20\n"})
    problems = _problems(folder)
    assert len(problems) == 1 and problems[0].startswith("proactive.csv 第5行")  # the file's 5th line
    assert "渠道" in problems[0] and "邮寄" in problems[0]


def test_a_csv_saved_with_semicolons_is_read(agency):
    text = "发布日期;标题;类别;渠道\n2021-01-05;通知;;政府网站\n2021-01-06;公告;;政府网站、政务微博\n"
    folder = agency({"proactive": text}, {2021: "发布日期: 2022-01-20\n"})
    ledger = load_agency_data(folder, 2021).ledgers["proactive"]
    assert list(ledger["title"]) == ["通知", "公告"]
    assert list(ledger["channels.政务微博"]) == [False, True]
