"""The 图解 charts: matplotlib figures with Simplified-Chinese fonts, saved as deterministic PNG.

Fonts are set once, by explicit family name, because a generic family may resolve to the JP face of
the Noto CJK collection. Charts are PNG at print resolution (200 dpi at their printed width) rather than
SVG: WeasyPrint draws glyph-path SVG about ten times slower, and a PNG needs no font on the reader's
side. PNG metadata (the matplotlib version) is dropped, so the same figures give the same bytes.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .system import FONT_FIX

CJK_FAMILY = "Noto Sans CJK SC"
_PALETTE = ["#b22222", "#d9822b", "#3b6ea5", "#4a8f5c", "#7a5c99", "#8c8c8c", "#c2a14d"]


class FontMissingError(RuntimeError):
    pass


def _register_cjk_fonts() -> None:
    """Make the Noto CJK collections known to matplotlib even when its font cache predates them."""
    if any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        return
    for path in font_manager.findSystemFonts(fontext="ttc") + font_manager.findSystemFonts(fontext="otf"):
        if "NotoSansCJK" in path or "NotoSerifCJK" in path:
            font_manager.fontManager.addfont(path)
    if not any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        raise FontMissingError(f"未找到简体中文字体 {CJK_FAMILY}，图表无法显示中文。请先安装字体：{FONT_FIX}")


def setup() -> None:
    _register_cjk_fonts()
    matplotlib.rcParams.update({
        "font.family": [CJK_FAMILY, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


@dataclass(frozen=True)
class Chart:
    """A finished chart: its title, the PNG bytes and the width it is printed at."""

    title: str
    png: bytes
    width_mm: float

    def html(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        title = html.escape(self.title)
        return (f'<figure class="ogi-chart"><img alt="{title}" style="width: {self.width_mm:.0f}mm" '
                f'src="data:image/png;base64,{data}"></figure>')

    def _repr_html_(self) -> str:
        return self.html()


PRINT_DPI = 200


def _finish(fig: Figure, title: str) -> Chart:
    # Figure without pyplot: no global figure registry, no GUI backend, nothing to close.
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PRINT_DPI, metadata={"Software": None})
    png = buffer.getvalue()
    width_px = int.from_bytes(png[16:20], "big")  # IHDR width
    return Chart(title, png, width_px / PRINT_DPI * 25.4)


def _annotate(ax: Axes, bars, horizontal: bool = False) -> None:
    ax.bar_label(bars, padding=2, fontsize=9, fmt="%g")
    ax.margins(x=0.12) if horizontal else ax.margins(y=0.15)


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[float], *, unit: str, horizontal: bool = False
) -> Chart:
    """A titled bar chart with each bar's value written on it."""
    setup()
    height = max(2.6, 0.42 * len(labels) + 1.0) if horizontal else 3.0
    fig = Figure(figsize=(6.4, height), layout="constrained")  # one draw, unlike bbox_inches="tight"
    ax = fig.subplots()
    colors = [_PALETTE[i % len(_PALETTE)] for i in range(len(labels))] if horizontal else _PALETTE[0]
    if horizontal:
        bars = ax.barh(list(labels)[::-1], list(values)[::-1],
                       color=colors[::-1] if isinstance(colors, list) else colors)
        ax.set_xlabel(unit)
    else:
        bars = ax.bar(list(labels), list(values), color=colors)
        ax.set_ylabel(unit, rotation=0, labelpad=12)
    ax.yaxis.get_major_locator().set_params(integer=True) if not horizontal else None
    _annotate(ax, bars, horizontal)
    ax.set_title(title, fontsize=12, pad=10)
    return _finish(fig, title)


def line_chart(title: str, x: Sequence[str], series: dict[str, Sequence[float]], *, unit: str) -> Chart:
    """Several series over the years, one line each, with a legend."""
    setup()
    fig = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = fig.subplots()
    for i, (name, values) in enumerate(series.items()):
        ax.plot(list(x), list(values), marker="o", color=_PALETTE[i % len(_PALETTE)], label=name)
        for xi, v in zip(x, values, strict=True):
            ax.annotate(f"{v:g}", (xi, v), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=8)
    ax.set_ylabel(unit, rotation=0, labelpad=12)
    ax.set_ylim(bottom=0)  # a trend axis that does not start at 0 exaggerates changes
    ax.margins(y=0.18)
    ax.legend(frameon=False, fontsize=9, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(series))
    ax.set_title(title, fontsize=12, pad=28)
    return _finish(fig, title)
