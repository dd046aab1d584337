"""The analyst's prose: Markdown that names computed figures (`{{ 收到申请数 }}`) instead of typing them.

Placeholders are filled in a sandboxed Jinja environment, so prose can also say
`{% if 收到申请数 == 0 %}未收到申请{% endif %}`. Only figure names, numbers, arithmetic, comparisons,
`{% if %}` and the `round`/`abs`/`int` filters are allowed: no loops, calls, attributes or Jinja globals,
so prose cannot run for minutes, print a Python repr or differ between two builds. The result is
rendered by markdown-it with raw HTML disabled, unsafe links refused and images rejected (a build fetches
nothing), because the prose ends up on public web pages. This module does not read files.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import jinja2
from jinja2 import nodes
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
_ENV.globals.clear()  # no range, lipsum, dict, cycler, joiner, namespace: prose only sees figure names

# What prose may contain besides text: figure names, numbers, arithmetic, comparisons and conditionals.
_ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.If, nodes.Compare, nodes.Operand,
    nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.CondExpr, nodes.Add, nodes.Sub, nodes.Mul,
    nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Filter,
)
_ALLOWED_FILTERS = {"round", "abs", "int"}
_ALLOWED_TEXT = "文字稿中只能使用数字名称（{{ 名称 }}）、数字、加减乘除、比较和 {% if … %}…{% endif %}"


def _forbidden(tree: nodes.Template) -> list[tuple[str, int]]:
    """Each construct prose may not use, as (what, line)."""
    found = []
    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Const):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                continue
            what = f"常量 {node.value!r}"
        elif isinstance(node, nodes.Filter):
            if node.name in _ALLOWED_FILTERS:
                continue
            what = f"过滤器“{node.name}”"
        elif isinstance(node, _ALLOWED_NODES):
            continue
        else:
            what = _CONSTRUCTS.get(type(node).__name__, f"“{type(node).__name__}”结构")
        if not any(line == node.lineno for _, line in found):  # the outermost construct of a line says it
            found.append((what, node.lineno))
    return found


_CONSTRUCTS = {
    "For": "循环 {% for %}", "Macro": "宏 {% macro %}", "Include": "{% include %}", "Import": "{% import %}",
    "FromImport": "{% from … import %}", "Extends": "{% extends %}", "Block": "{% block %}",
    "Call": "函数调用", "Getattr": "属性（.）", "Getitem": "下标（[]）", "Assign": "{% set %}",
    "AssignBlock": "{% set %}", "Pow": "乘方（**）", "List": "列表", "Tuple": "元组", "Dict": "字典",
    "Concat": "字符串拼接（~）", "FilterBlock": "{% filter %}", "With": "{% with %}", "CallBlock": "{% call %}",
    "Test": "is 测试",
}


def _syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    """A Jinja syntax error in Chinese: what is usually wrong, not the parser's English."""
    text = exc.message or ""
    if "unexpected end of template" in text or "Unexpected end of template" in text:
        hint = "缺少结束标记（{{ 要以 }} 结束，{% if %} 要以 {% endif %} 结束）"
    elif "unexpected '}'" in text or "unexpected char" in text:
        hint = "括号不成对或有多余的字符"
    elif "Encountered unknown tag" in text:
        hint = "不认识的 {% … %} 标记；只能使用 {% if %}、{% elif %}、{% else %}、{% endif %}"
    else:
        hint = "括号、引号不成对或标记拼写有误"
    return f"占位符写法有误：{hint}；数字名称应写成 {{{{ 名称 }}}}"


def unknown_names(tree: nodes.Template, names: Mapping[str, object]) -> list[tuple[str, int]]:
    """Names used in the prose that are not figures (Jinja's own `self` included), each with its first line."""
    used = {node.name: node.lineno for node in reversed(list(tree.find_all(nodes.Name)))}
    return [(name, used[name]) for name in sorted(set(used) - set(names))]


def _suggest(name: str, names: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(names), n=3, cutoff=0.4)
    return f"；是否想写：{'、'.join(close)}" if close else "；运行 ogi-report names 可列出全部可用名称"


def fill(source: str, names: Mapping[str, object], file: str) -> tuple[str, list[Problem]]:
    """The prose with every placeholder replaced by its figure, and the problems found."""
    try:
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return "", [Problem(_syntax_message(exc), file, exc.lineno)]
    forbidden = _forbidden(tree)
    if forbidden:
        return "", [Problem(f"不能使用{what}；{_ALLOWED_TEXT}", file, line) for what, line in forbidden]
    unknown = unknown_names(tree, names)
    if unknown:
        return "", [
            Problem(f"未知的数字名称“{name}”{_suggest(name, names)}", file, line) for name, line in unknown
        ]
    try:
        text = _ENV.from_string(source).render(names)
    except (jinja2.TemplateError, ArithmeticError, TypeError) as exc:  # e.g. a division by a zero figure
        return "", [Problem(f"占位符无法计算（{type(exc).__name__}）；请检查除数是否可能为 0", file)]
    return text, images(text, file)


def images(markdown: str, file: str) -> list[Problem]:
    """Images in prose: the report shows only its own charts, and a build fetches nothing."""
    problems = []
    for block in _MARKDOWN.parse(markdown):
        for token in block.children or ():
            if token.type == "image":
                line = block.map[0] + 1 if block.map else None
                problems.append(Problem(
                    f"文字稿中不能插入图片（{token.attrGet('src')}）：报告只包含由台账生成的图表，"
                    "生成时不读取外部文件或网址", file, line))
    return problems


def to_html(markdown: str) -> str:
    """Markdown → HTML with raw HTML escaped and javascript:/data: links refused."""
    return _MARKDOWN.render(markdown)
