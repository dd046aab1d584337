"""One-line helpers for the cells an analyst adds to their own copy of the report notebook.

`report.ledger("requests")` gives the year's rows with the ledger's Chinese column names;
`show_table(df)` and `show_chart(fig)` turn a pandas table and a matplotlib figure into pieces of the
report, styled like its own tables and charts, escaped, and the same bytes for the same data.
"""

from __future__ import annotations

import html
import numbers
import os
import sys
from typing import TYPE_CHECKING

import pandas as pd

from . import charts
from .charts import _finish
from .figures import in_year
from .ledgers import LEDGERS
from .narrative import format_number
from .report import Fragment

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .charts import Chart

# The report's chart style (Chinese fonts, sizes) before the analyst draws anything: fonts are fixed when
# a text is created, and a figure must not look different for having been drawn before or after the
# report's own charts. Through matplotlib's own style file, so that a kernel whose charts all come from
# the cache still does not import matplotlib (0.6 s) when no cell draws.
if "matplotlib" in sys.modules:
    charts.setup()
else:
    os.environ["MATPLOTLIBRC"] = str(charts.STYLE)

# The date column that places a record in a report year (what the report's own tables count by).
YEAR_COLUMN = {
    "proactive": "date", "documents": "issued", "decisions": "date", "fees": "date", "items": "established",
    "procurement": "date", "requests": "received", "appeals": "filed",
}


def year_rows(ledgers: dict[str, pd.DataFrame], stem: str, year: int) -> pd.DataFrame:
    """The rows of one ledger dated in `year`, columns named as in the ledger's header (Chinese).

    Channels come back as one text column ("政府网站、政务微信"), enumerated columns as categoricals in the
    vocabulary's order; a blank cell is missing (NA), never 0 or an empty string.
    """
    if stem not in LEDGERS:
        known = "、".join(f"{s}（{spec.title}）" for s, spec in LEDGERS.items())
        raise ValueError(f"没有名为“{stem}”的台账；可用的台账：{known}")
    spec = LEDGERS[stem]
    frame = ledgers[stem]
    frame = frame[in_year(frame[YEAR_COLUMN[stem]], year)].reset_index(drop=True)
    columns: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.kind == "channels":
            flags = [c for c in frame.columns if c.startswith(f"{col.name}.")]
            joined = [
                "、".join(f.removeprefix(f"{col.name}.") for f in flags if row[f]) for _, row in frame[flags].iterrows()
            ]
            columns[col.header] = pd.Series(joined, dtype="string").replace("", pd.NA)
        elif col.kind == "enum":  # categories in the official order, so that a groupby lists them so
            values = frame[col.name]
            columns[col.header] = values.cat.set_categories([c for c in values.cat.categories if c != ""])
        elif col.kind in ("key", "text"):
            columns[col.header] = frame[col.name].astype("string").replace("", pd.NA)
        else:
            columns[col.header] = frame[col.name]
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))


def _cell_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, numbers.Number):  # numpy scalars too
        return format_number(value.item() if hasattr(value, "item") else value)
    return str(value)


def show_table(df: pd.DataFrame | pd.Series, title: str = "") -> Fragment:
    """A DataFrame (or Series) as a table styled like the report's: every cell escaped, numbers right-aligned,
    dates as 2021-03-05, blanks left blank. A named index (e.g. after groupby) becomes the first column."""
    frame = df.to_frame() if isinstance(df, pd.Series) else df
    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    head = "".join(f'<th class="head">{html.escape(str(c))}</th>' for c in frame.columns)
    numeric = [pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in frame.dtypes]
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="number">{html.escape(_cell_text(v))}</td>' if num else f"<td>{html.escape(_cell_text(v))}</td>"
            for v, num in zip(values, numeric, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    caption = f'<h3 class="ogi-table-title">{html.escape(title)}</h3>\n' if title else ""
    return Fragment(f'{caption}<table class="ogi-table ogi-analyst-table">\n<thead><tr>{head}</tr></thead>\n'
                    f'<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>')


def show_chart(fig: Figure, title: str = "") -> Chart:
    """A matplotlib figure as the report's charts are: a PNG at print resolution, Chinese fonts, no
    metadata (same data, same bytes). The figure is closed, so Jupyter does not show it a second time."""
    if not title:
        title = next((ax.get_title() for ax in fig.axes if ax.get_title()), "") or fig.get_suptitle() or "图表"
    charts._register_cjk_fonts()  # fonts are looked up when drawing: a font cache older than them is fixed
    chart = _finish(fig, title)
    if "matplotlib.pyplot" in sys.modules:  # a figure made by plt.subplots() is registered with pyplot
        sys.modules["matplotlib.pyplot"].close(fig)
    return chart
