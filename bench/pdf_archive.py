"""What the archival PDF costs over a plain one, on one built report: WeasyPrint's plain PDF, its
PDF/A-3u tagged PDF with figures.csv attached, and the post-processing (export/pdf_fixes.py) alone,
as medians of repeated measurements in this process (templates and fonts warmed up first).

Run from the project root after a build: python bench/pdf_archive.py [outputs/example/2023] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import weasyprint

from ogi_report.export import html_to_pdf, inline_only
from ogi_report.export.pdf_fixes import fix


def median_seconds(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default="outputs/example/2023")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(args.folder)
    html = (folder / "report.html").read_text(encoding="utf-8")
    csv = (folder / "figures.csv").read_bytes()

    def plain() -> bytes:
        return weasyprint.HTML(string=html, url_fetcher=inline_only()).write_pdf()

    def tagged() -> bytes:
        return weasyprint.HTML(string=html, url_fetcher=inline_only()).write_pdf(
            pdf_variant="pdf/a-3u", pdf_tags=True, attachments=[weasyprint.Attachment(string=csv, name="figures.csv")])

    raw = tagged()  # warm-up, and the input of the post-processing
    plain()
    print(f"{folder}: median of {args.repeat}")
    print(f"  plain PDF (WeasyPrint)                 {median_seconds(plain, args.repeat):6.2f} s")
    print(f"  PDF/A-3u, tagged, figures.csv attached  {median_seconds(tagged, args.repeat):6.2f} s")
    print(f"  post-processing (pdf_fixes.fix)         {median_seconds(lambda: fix(raw), args.repeat):6.2f} s")
    whole = median_seconds(lambda: html_to_pdf(html, csv), args.repeat)
    print(f"  html_to_pdf (all of it)                 {whole:6.2f} s")


if __name__ == "__main__":
    main()
