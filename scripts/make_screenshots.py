"""Regenerate the screenshots of docs/使用说明.md from the real output: build the fictional example agency's
2021 report (data/example) with a copy of the report notebook holding the guide's own example cells,
then photograph the HTML with headless Chromium and the PDF with pdftoppm, into docs/images/.

    python scripts/make_screenshots.py          # needs chromium and poppler-utils (pdftoppm)

Run it after a change to what the report looks like; the guide's test checks every image it links exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
# The notebook's kernel is a child process: it must import this checkout's package too.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))

from ogi_report.build import DEFAULT_NOTEBOOK, build  # noqa: E402

IMAGES = ROOT / "docs" / "images"
WIDTH = 640  # px of every screenshot: small files, still legible
DATA, YEAR = ROOT / "data" / "example", 2021

# The guide's example of an analyst's own cells (docs/使用说明.md, “在报告中加入自己的内容”).
EXAMPLE_CELLS = [
    ("markdown", "## 补充说明\n\n本年度申请数量较上年有所增加，下表和下图按台账统计。"),
    ("code", 'show_table(report.ledger("requests").groupby("申请人类型", observed=True).size().rename("件数"),\n'
             '           "本年新收申请按申请人类型统计")'),
    ("code", 'import matplotlib.pyplot as plt\n\n'
             'months = report.ledger("requests")["收到日期"].dt.month.value_counts().sort_index()\n'
             "fig, ax = plt.subplots(figsize=(6.4, 3))\n"
             'ax.bar([f"{m}月" for m in months.index], months.values)\n'
             'ax.set_title(f"{year}年政府信息公开申请按月分布")\n'
             "show_chart(fig)"),
]


def analyst_notebook(path: Path) -> Path:
    nb = nbformat.read(DEFAULT_NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "report.body()" in c.source) + 1
    nb.cells[at:at] = [nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src)
                       for kind, src in EXAMPLE_CELLS]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    nbformat.write(nb, path)
    return path


def chromium(html: Path, png: Path, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("需要 chromium：sudo apt-get install -y chromium")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--hide-scrollbars", f"--screenshot={png}",
                    f"--window-size=900,{height}", html.as_uri()], check=True, capture_output=True)


def pdf_page(pdf: Path, page: int, png: Path) -> None:
    if shutil.which("pdftoppm") is None:
        sys.exit("需要 pdftoppm：sudo apt-get install -y poppler-utils")
    subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page), "-scale-to", str(WIDTH),
                    str(pdf), str(png.with_suffix(""))], check=True)


def shrink(png: Path) -> None:
    """WIDTH pixels wide, 64-colour palette: a screenshot of text in a few dozen kB."""
    with Image.open(png) as image:
        image = image.convert("RGB")
        if image.width > WIDTH:
            image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
        image.quantize(64).save(png, optimize=True)


def excerpt(page: Path, start: str, stop: str, out: Path) -> None:
    """The report page cut to the elements from the one holding `start` up to the one holding `stop`."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one("main.ogi-report")
    children = [c for c in main.children if getattr(c, "name", None)]
    first = next(i for i, c in enumerate(children) if start in c.get_text())
    last = next(i for i, c in enumerate(children) if i >= first and stop in str(c))
    for i, child in enumerate(children):
        if not first <= i <= last:
            child.decompose()
    out.write_text(str(soup), encoding="utf-8")


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        result = build(DATA, YEAR, tmp / "out", analyst_notebook(tmp / "mine.ipynb"), force=True,
                       editions=["html", "pdf"])
        html, pdf = result.output / "report.html", result.output / "report.pdf"
        shots = {
            "html-top.png": (html, 1300),
        }
        excerpt(html, "补充说明", "按月分布", tmp / "analyst.html")
        shots["analyst-cells.png"] = (tmp / "analyst.html", 760)
        for name, (page, height) in shots.items():
            chromium(page, IMAGES / name, height)
        pdf_page(pdf, 1, IMAGES / "pdf-page1.png")
        heading = "三、收到和处理政府信息公开申请情况"
        table_page = next(i for i, text in enumerate(pdf_texts(pdf), start=1) if heading in text)
        pdf_page(pdf, table_page, IMAGES / "pdf-requests.png")
        for png in IMAGES.glob("*.png"):
            shrink(png)
            print(f"{png.relative_to(ROOT)}  {png.stat().st_size // 1024} kB")


def pdf_texts(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(pdf).pages]


if __name__ == "__main__":
    main()
