"""Prose with figures by name: placeholders, errors with lines, and nothing executable gets through."""

from __future__ import annotations

from ogi_report.narrative import fill, format_number, to_html


def test_placeholders_and_conditionals_are_filled():
    text, problems = fill("收到申请{{ 收到申请数 }}件。{% if 收到申请数 == 0 %}无申请。{% endif %}",
                          {"收到申请数": 3}, "x.md")
    assert problems == []
    assert text == "收到申请3件。"


def test_unknown_name_names_file_line_and_a_suggestion():
    _, problems = fill("第一行\n共有{{ 收到申请 }}件", {"收到申请数": 3}, "2021/narrative/总体情况.md")
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.row) == ("2021/narrative/总体情况.md", 2)
    assert "收到申请" in p.message and "收到申请数" in p.message


def test_syntax_error_is_reported_with_its_line():
    _, problems = fill("a\n{{ 收到申请数 ", {"收到申请数": 3}, "f.md")
    assert problems and problems[0].row == 2


def test_numbers_are_printed_as_a_reader_expects():
    assert [format_number(v) for v in (37, 0.0, 1.5, 0.256, 12.0)] == ["37", "0", "1.5", "0.26", "12"]


def test_raw_html_script_and_event_handlers_are_escaped():
    html = to_html('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[点我](javascript:alert(3))')
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    assert 'href="javascript:' not in html
