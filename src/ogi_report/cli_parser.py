"""argparse in Chinese: its own messages (usage, help, argument errors) are English, and a hurried
analyst who types `--year abc` must read what went wrong in the language of the rest of the tool."""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

# argparse's error texts (Python 3.11–3.13), as patterns, and what to say instead.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), t) for p, t in (
    (r"^the following arguments are required: (.+)$", r"缺少必需的参数：\1"),
    (r"^unrecognized arguments: (.+)$", r"无法识别的参数：\1"),
    (r"^argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.+)\)$", r"参数 \1 不能是“\2”，可选：\3"),
    (r"^argument (\S+): invalid int value: '(.*)'$", r"参数 \1 应为整数，而不是“\2”"),
    (r"^argument (\S+): expected one argument$", r"参数 \1 后面缺少取值"),
    (r"^argument (\S+): expected at least one argument$", r"参数 \1 后面至少需要一个取值"),
    (r"^argument (\S+): (.+)$", r"参数 \1：\2"),
))


def chinese(message: str) -> str:
    for pattern, replacement in _ERRORS:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


def year(text: str) -> int:
    """An `--year` value: a whole year, said in Chinese when it is not."""
    text = text.strip()
    if not text.isdecimal():
        raise argparse.ArgumentTypeError(f"年度“{text}”不是整数年份，如 2021")
    return int(text)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes prefix="" when it builds a sub-command's name from the parent's usage.
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage, help headings and errors are in Chinese; sub-commands inherit it."""

    def __init__(self, *args, **kw):
        kw.setdefault("formatter_class", _Formatter)
        kw["add_help"] = False
        super().__init__(*args, **kw)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{chinese(message)}\n")
