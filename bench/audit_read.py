"""Reading 1,000 published HTML pages (audit readers) beside merely parsing them with lxml.

The pages are the corpus of portal styles (tests/audit_fixtures/) copied to 1,000 files. Each measure runs
in a fresh process so that its peak memory (ru_maxrss, children included for the parallel one) is its own:
`parse` (bytes → lxml tree, the floor), `read` (read_report, one process) and `read ×2` (read_report in a
pool of 2 processes, as the batch audit runs). Medians of --repeat runs; writes the table into
bench/README.md between <!-- audit-read --> markers.

Run from the project root: python bench/audit_read.py [--pages 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from run import ENV, ROOT, write_results

FIXTURES = ROOT / "tests" / "audit_fixtures"

CHILD = """
import json, resource, sys, time
from pathlib import Path
mode, folder = sys.argv[1], Path(sys.argv[2])
files = sorted(folder.glob("*.html"))
start = time.perf_counter()
if mode == "parse":
    from lxml import html
    from ogi_report.audit.html_reader import decode
    for f in files:
        html.document_fromstring(decode(f.read_bytes()))
else:
    from ogi_report.audit.readers import read_report
    if mode == "read":
        cells = sum(len(read_report(f).cells) for f in files)
    else:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(2) as pool:
            cells = sum(len(r.cells) for r in pool.map(read_report, files, chunksize=25))
seconds = time.perf_counter() - start
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024}))
"""


def measure(mode: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(folder)], env=ENV, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    sources = sorted(FIXTURES.glob("*/*.html"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(args.pages):
            shutil.copyfile(sources[i % len(sources)], folder / f"{i:04d}-{sources[i % len(sources)].name}")
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1024 / 1024
        results: dict[str, list[dict]] = {"parse": [], "read": [], "read2": []}
        for _ in range(args.repeat):  # interleaved: the machine's load falls on every measure alike
            for mode in results:
                results[mode].append(measure(mode, folder))
    med = {m: (statistics.median(r["seconds"] for r in rs), max(r["peak_mb"] for r in rs)) for m, rs in results.items()}
    floor = med["parse"][0]
    rows = [
        (f"lxml 解析 {args.pages} 个网页（地板）", f"{floor:.2f} s", f"峰值内存 {med['parse'][1]:.0f} MB"),
        (f"读取 {args.pages} 个网页（read_report，单进程）", f"{med['read'][0]:.2f} s",
         f"地板的 {med['read'][0] / floor:.1f} 倍；峰值内存 {med['read'][1]:.0f} MB"),
        (f"读取 {args.pages} 个网页（2 个进程）", f"{med['read2'][0]:.2f} s",
         f"峰值内存 {med['read2'][1]:.0f} MB（目标：审核全部 ≤ 30 s，≤ 1 GB）"),
    ]
    cores = len(os.sched_getaffinity(0))
    header = (f"机器：{platform.machine()}，{cores} 核，Python {platform.python_version()}；"
              f"{args.pages} 个网页共 {size:.1f} MB，重复 {args.repeat} 次取中位数。")
    write_results("audit-read", header, ("测量", "结果", "说明"), rows, save=not args.no_save)


if __name__ == "__main__":
    main()
