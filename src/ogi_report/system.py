"""What the machine must provide besides Python packages (CJK fonts, pango, HarfBuzz-Subset), and the
exact fix for each.

Checked before a build with fontconfig and WeasyPrint's import, so that a missing package is reported in
Chinese with the apt-get command that installs it, not as a stack trace or a PDF full of boxes.
"""

from __future__ import annotations

import subprocess

FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
FONT_FIX = "sudo apt-get install -y fonts-noto-cjk fontconfig"
PANGO_FIX = "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"
SUBSET_FIX = "sudo apt-get install -y libharfbuzz-subset0"


class MissingSystemPackage(RuntimeError):
    """The machine lacks a system package; the message says which and how to install it."""


def subset_library_loaded() -> bool:
    """Whether WeasyPrint found libharfbuzz-subset (it falls back to fontTools without a word but a warning)."""
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None


def check() -> None:
    try:
        import weasyprint  # noqa: F401  (loads pango through cffi)
    except OSError as exc:
        raise MissingSystemPackage(f"WeasyPrint 无法加载系统库 pango（{exc}）。请先安装：{PANGO_FIX}") from exc
    if not subset_library_loaded():
        # Without it WeasyPrint subsets fonts with fontTools, whose output differs from run to run: the
        # same inputs would no longer give the same PDF bytes.
        raise MissingSystemPackage(
            f"WeasyPrint 未找到系统库 HarfBuzz-Subset，PDF 无法逐字节复现。请先安装：{SUBSET_FIX}")
    try:
        families = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True,
                                  timeout=30).stdout
    except (FileNotFoundError, subprocess.TimeoutExpired):
        families = ""
    missing = [f for f in FONT_FAMILIES if f not in families]
    if missing:
        raise MissingSystemPackage(
            f"未找到简体中文字体 {'、'.join(missing)}，PDF 和图表无法正确显示中文。请先安装：{FONT_FIX}")
