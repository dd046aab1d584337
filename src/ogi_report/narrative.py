"""The analyst's prose: Markdown that names computed figures (`{{ 收到申请数 }}`) instead of typing them.

Placeholders are filled in a sandboxed Jinja environment, so prose can also say
`{% if 收到申请数 == 0 %}未收到申请{% endif %}`; the result is rendered by markdown-it with raw HTML
disabled and unsafe links refused, because the prose ends up on public web pages. This module does
not read files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt

from .problems import Problem

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": False})


def format_number(value: object) -> str:
    """37 → "37"; 0.0 → "0"; 1.5 → "1.5"; 0.256 → "0.26" (万元 amounts keep at most 2 decimals)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


_ENV = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, finalize=format_number)


def unknown_names(source: str, names: Mapping[str, object]) -> list[tuple[str, int]]:
    """Names used in `source` that are not figures, each with the line it first appears on."""
    used = meta.find_undeclared_variables(_ENV.parse(source))
    found = []
    for name in sorted(used - set(names)):
        match = re.search(re.escape(name), source)
        found.append((name, source.count("\n", 0, match.start()) + 1 if match else 1))
    return found


def _suggest(name: str, names: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(names), n=3, cutoff=0.4)
    return f"；是否想写：{'、'.join(close)}" if close else "；运行 ogi-report names 可列出全部可用名称"


def fill(source: str, names: Mapping[str, object], file: str) -> tuple[str, list[Problem]]:
    """The prose with every placeholder replaced by its figure, and the problems found."""
    try:
        unknown = unknown_names(source, names)
    except jinja2.TemplateSyntaxError as exc:
        return "", [Problem(f"占位符写法有误：{exc.message}（应写成 {{{{ 名称 }}}}）", file, exc.lineno)]
    if unknown:
        return "", [
            Problem(f"未知的数字名称“{name}”{_suggest(name, names)}", file, line) for name, line in unknown
        ]
    try:
        return _ENV.from_string(source).render(names), []
    except jinja2.TemplateError as exc:  # a runtime error in an {% if %} the analyst wrote
        return "", [Problem(f"占位符无法计算：{exc}", file)]


def to_html(markdown: str) -> str:
    """Markdown → HTML with raw HTML escaped and javascript:/data: links refused."""
    return _MARKDOWN.render(markdown)
