"""The 图解 charts: matplotlib figures with Simplified-Chinese fonts, saved as deterministic PNG.

Fonts are set once, by explicit family name, because a generic family may resolve to the JP face of
the Noto CJK collection. Charts are PNG at print resolution (200 dpi at their printed width) rather than
SVG: WeasyPrint draws glyph-path SVG about ten times slower, and a PNG needs no font on the reader's
side. The PNG is written by Pillow with no metadata but its resolution (no matplotlib version), so the
same figures give the same bytes.

Because a chart is a pure function of its data, finished PNGs are kept in a content-addressed cache
(~/.cache/ogi-report/charts; OGI_REPORT_CHART_CACHE names another folder, or `off`): a rebuild whose
charts did not change needs neither matplotlib's import nor its rendering, a second of every build.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from .system import FONT_FIX

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CJK_FAMILY = "Noto Sans CJK SC"
_PALETTE = ["#b22222", "#d9822b", "#3b6ea5", "#4a8f5c", "#7a5c99", "#8c8c8c", "#c2a14d"]


class FontMissingError(RuntimeError):
    pass


def _register_cjk_fonts() -> None:
    """Make the Noto CJK collections known to matplotlib even when its font cache predates them."""
    from matplotlib import font_manager

    if any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        return
    for path in font_manager.findSystemFonts(fontext="ttc") + font_manager.findSystemFonts(fontext="otf"):
        if "NotoSansCJK" in path or "NotoSerifCJK" in path:
            font_manager.fontManager.addfont(path)
    if not any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        raise FontMissingError(f"未找到简体中文字体 {CJK_FAMILY}，图表无法显示中文。请先安装字体：{FONT_FIX}")


STYLE = Path(__file__).with_name("matplotlibrc")  # font (CJK_FAMILY first), sizes, spines


def setup() -> None:
    import matplotlib

    _register_cjk_fonts()
    matplotlib.rcParams.update(matplotlib.rc_params_from_file(STYLE, use_default_template=False))


@dataclass(frozen=True)
class Chart:
    """A finished chart: its title, the PNG bytes and the width it is printed at."""

    title: str
    png: bytes
    width_mm: float
    unit: str = ""
    columns: tuple[str, ...] = ()  # the data behind the chart: a header (category, series...) and rows
    rows: tuple[tuple[str, ...], ...] = ()

    @property
    def alt(self) -> str:
        """The chart in words, with every number drawn: the image's alternative text (HTML and PDF)."""
        if not self.rows:
            return self.title
        if len(self.columns) == 2:
            values = "，".join(f"{row[0]} {row[1]}" for row in self.rows)
        else:
            values = "；".join(f"{name}：" + "，".join(f"{row[0]} {row[i]}" for row in self.rows)
                              for i, name in enumerate(self.columns[1:], start=1))
        return f"{self.title}（单位：{self.unit}）：{values}"

    def html(self) -> str:
        """The figure, and the data behind it as a table for screen readers (visually hidden, not printed)."""
        data = base64.b64encode(self.png).decode("ascii")
        figure = (f'<figure class="ogi-chart"><img alt="{html.escape(self.alt)}" style="width: {self.width_mm:.0f}mm" '
                  f'src="data:image/png;base64,{data}">')
        if self.rows:
            head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.columns)
            body = "".join("<tr>" + f'<th scope="row">{html.escape(row[0])}</th>'
                           + "".join(f"<td>{html.escape(v)}</td>" for v in row[1:]) + "</tr>" for row in self.rows)
            figure += (f'<table class="ogi-chart-data"><caption>{html.escape(self.title)}'
                       f'（单位：{html.escape(self.unit)}）</caption><thead><tr>{head}</tr></thead>'
                       f"<tbody>{body}</tbody></table>")
        return figure + "</figure>"

    def _repr_html_(self) -> str:
        return self.html()


PRINT_DPI = 200


def cache_dir() -> Path | None:
    setting = os.environ.get("OGI_REPORT_CHART_CACHE", "")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ogi-report" / "charts"


@functools.cache
def _code_version() -> str:
    """What else the pixels depend on: this module's code and matplotlib's version."""
    return hashlib.sha256(Path(__file__).read_bytes() + version("matplotlib").encode()).hexdigest()


def cached(render: Callable[..., Chart]) -> Callable[..., Chart]:
    """Serve a chart from the cache when the same data was drawn before by the same code."""

    @functools.wraps(render)
    def chart(title: str, *args, **kw) -> Chart:
        folder = cache_dir()
        if folder is None:
            return render(title, *args, **kw)
        spec = json.dumps([render.__name__, title, args, kw, _code_version()], ensure_ascii=False,
                          default=lambda o: o.tolist() if hasattr(o, "tolist") else list(o))
        path = folder / f"{hashlib.sha256(spec.encode()).hexdigest()}.png"
        if path.is_file():
            return _chart(title, path.read_bytes())
        made = render(title, *args, **kw)
        try:  # best effort: a read-only home only loses the speed-up
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as f:
                f.write(made.png)
            os.replace(f.name, path)
        except OSError:
            pass
        return made

    return chart


def _chart(title: str, png: bytes) -> Chart:
    width_px = int.from_bytes(png[16:20], "big")  # from the PNG's IHDR chunk
    return Chart(title, png, width_px / PRINT_DPI * 25.4)


def _finish(fig: Figure, title: str) -> Chart:
    """Draw on a white page and save RGB, without the alpha channel matplotlib writes: WeasyPrint
    would split it into a soft mask and compress both, for every chart of every PDF."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    # Figure without pyplot: no global figure registry, no GUI backend, nothing to close.
    fig.set_dpi(PRINT_DPI)
    fig.patch.set_facecolor("white")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    buffer = io.BytesIO()
    Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB").save(
        buffer, format="png", dpi=(PRINT_DPI, PRINT_DPI))
    return _chart(title, buffer.getvalue())


def _annotate(ax: Axes, bars, horizontal: bool = False) -> None:
    ax.bar_label(bars, padding=2, fontsize=9, fmt="%g")
    ax.margins(x=0.12) if horizontal else ax.margins(y=0.15)


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[float], *, unit: str, horizontal: bool = False
) -> Chart:
    """A titled bar chart with each bar's value written on it, and its data."""
    chart = _bar_chart(title, labels, values, unit=unit, horizontal=horizontal)
    return replace(chart, unit=unit, columns=("项目", "数量"),
                   rows=tuple((str(label), f"{value:g}") for label, value in zip(labels, values, strict=True)))


def line_chart(title: str, x: Sequence[str], series: dict[str, Sequence[float]], *, unit: str) -> Chart:
    """Several series over the years, one line each, with a legend, and its data."""
    return _with_series(_line_chart(title, x, series, unit=unit), unit, "年度", x, series)


def _with_series(chart: Chart, unit: str, x_name: str, x: Sequence[str],
                 series: dict[str, Sequence[float]]) -> Chart:
    """The chart with its data: one row per x, one column per series."""
    return replace(chart, unit=unit, columns=(x_name, *series),
                   rows=tuple((str(xi), *(f"{values[i]:g}" for values in series.values())) for i, xi in enumerate(x)))


@cached
def _bar_chart(
    title: str, labels: Sequence[str], values: Sequence[float], *, unit: str, horizontal: bool = False
) -> Chart:
    from matplotlib.figure import Figure

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


@cached
def _line_chart(title: str, x: Sequence[str], series: dict[str, Sequence[float]], *, unit: str) -> Chart:
    from matplotlib.figure import Figure

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


@cached
def stacked_bar_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], *, unit: str,
                      colors: Sequence[str]) -> Chart:
    """Horizontal bars, one per label, each split into the series (in order, with a legend), and its data."""
    return _with_series(_stacked_bar_chart(title, labels, series, unit=unit, colors=colors), unit, "项目",
                        labels, series)


def _stacked_bar_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], *, unit: str,
                       colors: Sequence[str]) -> Chart:
    from matplotlib.figure import Figure

    setup()
    fig = Figure(figsize=(6.4, max(2.6, 0.36 * len(labels) + 1.4)), layout="constrained")
    ax = fig.subplots()
    left = [0.0] * len(labels)
    for (name, values), color in zip(series.items(), colors, strict=True):
        ax.barh(list(labels)[::-1], list(values)[::-1], left=left[::-1], color=color, label=name)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel(unit)
    ax.legend(frameon=False, fontsize=9, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(series))
    ax.set_title(title, fontsize=12, pad=28)
    return _finish(fig, title)
