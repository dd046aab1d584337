"""The structure checks of a report page (a11y.py) find what they are meant to find."""

from __future__ import annotations

from ogi_report.a11y import structure_problems

GOOD = ('<!DOCTYPE html><html lang="zh-CN"><head><title>t</title></head><body><main><h1>报告</h1><h2>一</h2>'
        '<table><tr><th id="a">项目</th><th id="b">数量</th></tr><tr><th id="c">甲</th><td headers="c b">1</td></tr>'
        '</table><figure class="ogi-chart"><img alt="图：甲 1" src="data:,"><table><tr><th scope="col">项目</th>'
        '</tr><tr><td>1</td></tr></table></figure></main></body></html>')


def test_a_good_page_passes():
    assert structure_problems(GOOD) == []


def test_each_problem_is_found():
    bad = (GOOD.replace('lang="zh-CN"', 'lang="en"').replace("<h2>一</h2>", "<h3>一</h3>")
           .replace('headers="c b"', 'headers="c x"').replace('alt="图：甲 1"', 'alt=""')
           .replace("</main>", "</main><main></main>"))
    problems = "\n".join(structure_problems(bad))
    for expected in ("lang 应为 zh-CN", "只有一个 <main>", "标题层级跳级：“一”为 h3", "不存在的表头：x", "缺少替代文字"):
        assert expected in problems


def test_a_data_cell_without_headers_and_a_chart_without_data():
    page = GOOD.replace(' headers="c b"', "").replace(
        '<table><tr><th scope="col">项目</th></tr><tr><td>1</td></tr></table>', "")
    problems = "\n".join(structure_problems(page))
    assert "单元格“1”没有关联表头" in problems and "没有附数据表" in problems
