"""Charts: deterministic PNG bytes, titled in Chinese, and a cache that needs no matplotlib on a hit."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from ogi_report import charts

ARGS = ("2021年主动公开政府信息按月分布", [f"{m}月" for m in range(1, 13)], list(range(12)))


def test_same_data_same_bytes_and_the_cache_serves_identical_bytes(monkeypatch, tmp_path):
    monkeypatch.setenv("OGI_REPORT_CHART_CACHE", "off")
    first = charts.bar_chart(*ARGS, unit="条")
    again = charts.bar_chart(*ARGS, unit="条")
    assert first.png == again.png and first.png.startswith(b"\x89PNG")
    monkeypatch.setenv("OGI_REPORT_CHART_CACHE", str(tmp_path))
    stored = charts.bar_chart(*ARGS, unit="条")
    assert len(list(tmp_path.glob("*.png"))) == 1
    assert charts.bar_chart(*ARGS, unit="条").png == stored.png == first.png
    assert charts.bar_chart(*ARGS, unit="件").png != first.png  # other data, other chart


def test_png_is_opaque_rgb_at_print_resolution():
    """No alpha channel for WeasyPrint to split into a soft mask; 200 dpi recorded for other readers."""
    from PIL import Image

    chart = charts.bar_chart(*ARGS, unit="条")
    image = Image.open(io.BytesIO(chart.png))
    assert image.mode == "RGB" and round(image.info["dpi"][0]) == charts.PRINT_DPI
    assert image.getpixel((0, 0)) == (255, 255, 255)


def test_html_is_an_embedded_image_described_with_its_numbers():
    chart = charts.bar_chart("<b>标题</b>", ["甲", "<乙>"], [1, 2.5], unit="件")
    html = chart.html()
    assert 'alt="&lt;b&gt;标题&lt;/b&gt;（单位：件）：甲 1，&lt;乙&gt; 2.5"' in html
    assert 'src="data:image/png;base64,' in html
    # the data behind the chart, as a table for screen readers
    assert '<th scope="row">&lt;乙&gt;</th><td>2.5</td>' in html and 'class="ogi-chart-data"' in html
    assert 150 < chart.width_mm < 175  # printed at 200 dpi within the A4 text width


def test_a_trend_chart_is_described_series_by_series():
    chart = charts.line_chart("趋势", ["2022年", "2023年"], {"新收": [3, 4], "结转": [0, 1]}, unit="件")
    assert chart.alt == "趋势（单位：件）：新收：2022年 3，2023年 4；结转：2022年 0，2023年 1"
    assert chart.rows == (("2022年", "3", "0"), ("2023年", "4", "1")) and chart.columns == ("年度", "新收", "结转")



def test_a_stacked_chart_carries_its_data_rule_by_rule():
    chart = charts.stacked_bar_chart("各规则的审核结果", ["O1", "I1"], {"通过": [5, 4], "不通过": [0, 1]}, unit="份",
                                     colors=["#2e7d32", "#c62828"])
    assert chart.columns == ("项目", "通过", "不通过") and chart.rows == (("O1", "5", "0"), ("I1", "4", "1"))
    assert chart.alt == "各规则的审核结果（单位：份）：通过：O1 5，I1 4；不通过：O1 0，I1 1"

def test_a_cache_hit_does_not_import_matplotlib(tmp_path):
    env = {**os.environ, "OGI_REPORT_CHART_CACHE": str(tmp_path)}
    code = ("import sys; from ogi_report import charts; "
            f"charts.bar_chart({ARGS[0]!r}, {ARGS[1]!r}, {ARGS[2]!r}, unit='条'); "
            "print('matplotlib' in sys.modules)")
    outputs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
               for _ in range(2)]
    assert [o.strip() for o in outputs] == ["True", "False"]
