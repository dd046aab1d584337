"""Accessibility checks of a report page (report.html, and any other edition's HTML): the structure
checks here need no browser; `axe` runs axe-core in Chromium for what only a browser can tell
(contrast of the rendered colours, names computed by the accessibility tree).

Both return problems as Chinese sentences, empty when the page passes.
"""

from __future__ import annotations

import json
from pathlib import Path

from lxml import html as lxml_html


def structure_problems(page: str) -> list[str]:
    """lang="zh-CN", one <main>, headings without skipped levels, every data cell of every table tied to
    its headers (headers/id, or scope), every image described, every chart with its data table."""
    root = lxml_html.document_fromstring(page)
    problems = []
    if root.get("lang") != "zh-CN":
        problems.append(f"<html> 的 lang 应为 zh-CN，而不是“{root.get('lang')}”")
    mains = root.xpath("//main")
    if len(mains) != 1:
        problems.append(f"页面应有且只有一个 <main>，实有 {len(mains)} 个")
    level = 0
    for heading in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6"):
        new = int(heading.tag[1])
        if new > level + 1:
            problems.append(f"标题层级跳级：“{heading.text_content().strip()}”为 h{new}，前一级为 h{level}")
        level = new
    for number, table in enumerate(root.xpath("//table"), start=1):
        problems += _table_problems(table, number)
    for img in root.xpath("//img"):
        if not (img.get("alt") or "").strip():
            problems.append("图片缺少替代文字（alt）")
    for figure in root.xpath("//figure[contains(concat(' ', @class, ' '), ' ogi-chart ')]"):
        if not figure.xpath(".//table"):
            problems.append(f"图表“{figure.xpath('string(.//img/@alt)')[:30]}”没有附数据表")
    return problems


def _table_problems(table, number: int) -> list[str]:
    ids = {th.get("id") for th in table.xpath(".//th[@id]")}
    scoped = bool(table.xpath(".//th[@scope]"))
    problems = []
    for td in table.xpath(".//td"):
        headers = (td.get("headers") or "").split()
        where = f"第 {number} 个表格的单元格“{td.text_content().strip()[:20]}”"
        if not headers and not scoped:
            problems.append(f"{where}没有关联表头（headers 或 scope）")
        missing = [h for h in headers if h not in ids]
        if missing:
            problems.append(f"{where}的 headers 指向不存在的表头：{' '.join(missing)}")
    return problems


SERIOUS = ("serious", "critical")


def axe(path: Path, axe_js: Path, chromium: str = "/usr/bin/chromium") -> list[str]:
    """axe-core's serious and critical violations of the page at `path`, in Debian's Chromium driven
    by playwright (no browser download). The page is loaded from the file, offline."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.goto(Path(path).resolve().as_uri())
            page.add_script_tag(content=axe_js.read_text(encoding="utf-8"))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        finally:
            browser.close()
    return [f"{v['id']}（{v['impact']}）：{v['help']}；" + json.dumps([n["target"] for n in v["nodes"]][:5],
                                                                     ensure_ascii=False)
            for v in result["violations"] if v.get("impact") in SERIOUS]
