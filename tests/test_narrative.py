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


def _messages(source: str) -> list[str]:
    text, problems = fill(source, {"收到申请数": 3, "予以公开数": 2}, "f.md")
    assert text == "" or problems == []
    return [p.message for p in problems]


def test_only_names_numbers_arithmetic_and_conditionals_are_allowed():
    """Loops ran for minutes, lipsum() made two builds differ, {{ self }} printed a memory address."""
    for source, what in [
        ("{% for a in 收到申请数 %}x{% endfor %}", "循环"),
        ("{{ lipsum() }}", "函数调用"),
        ("{% include 'x.md' %}", "include"),
        ("{{ 收到申请数.__class__ }}", "属性"),
        ("{{ 'a' * 3 }}", "常量"),
        ("{% set x = 1 %}", "set"),
    ]:
        messages = _messages(source)
        assert len(messages) == 1 and what in messages[0], (source, messages)
    assert _messages("{{ self }}") == ["未知的数字名称“self”；运行 ogi-report names 可列出全部可用名称"]
    assert "range" in _messages("{{ range }}")[0]
    text, problems = fill("{{ (予以公开数 / 收到申请数 * 100) | round(1) }}%", {"收到申请数": 3, "予以公开数": 2}, "f")
    assert (text, problems) == ("66.7%", [])


def test_syntax_errors_are_explained_in_chinese():
    for source in ("a\n{{ 收到申请数 ", "a\n{% iff 收到申请数 %}", "a\n{% if 收到申请数 %}x"):
        _, problems = fill(source, {"收到申请数": 3}, "f.md")
        assert problems and problems[0].row == 2, source
        assert problems[0].message.startswith("占位符写法有误：") and "unexpected" not in problems[0].message


def test_division_by_a_zero_figure_is_a_clear_error():
    assert "除数" in _messages("{{ 予以公开数 / (收到申请数 - 3) }}")[0]


def test_images_in_prose_are_refused_with_their_line():
    """An image would make the PDF renderer fetch a URL or read a local file during the build."""
    assert "<img" not in to_html("![图](file:///etc/passwd)")  # markdown-it refuses file: links already
    for src in ("http://example.org/x.png", "data:image/png;base64,AAAA", "/etc/passwd"):
        _, problems = fill(f"第一段\n\n![图]({src})", {}, "2021/narrative/总体情况.md")
        assert [(p.file, p.row) for p in problems] == [("2021/narrative/总体情况.md", 3)], src
        assert "不能插入图片" in problems[0].message


def test_pdf_renderer_fetches_nothing_but_inline_data():
    import pytest

    from ogi_report.export import inline_only

    fetcher = inline_only()
    for url in ("http://127.0.0.1:9/x.png", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
