"""`ogi-report audit` on 1,000 published HTML pages, beside merely parsing them with lxml.

The pages are the portal styles of tests/audit_fixtures/ (several years of the example agency, a county
bureau, a township), copied to 1,000 files in groups that each get their own body name, so that every
group's 2024 report is paired with its 2023 one (I5, I6, C5 run as in a real batch). Each measure runs in a
fresh process: `parse` (bytes → lxml tree, the floor) and `audit` (the whole command with --jobs 2: read,
rules, figures.csv per page, findings.csv, audit.html). Memory: the main process's peak plus, for the
workers, the largest worker's peak times the number of workers (ru_maxrss gives the largest child
only), an upper bound of the whole. CPU time (user + system, main process and workers) is reported
beside the wall time because the machine is shared: it does not grow with other sessions' load.
Medians of --repeat runs; the table goes into bench/README.md between the <!-- audit --> markers.

Run from the project root: python bench/audit.py [--pages 1000] [--repeat 3] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from run import ENV, ROOT, write_results

FIXTURES = ROOT / "tests" / "audit_fixtures"
BODIES = ("示例街道", "示例县农业农村局", "示例镇人民政府", "奶子山街")

CHILD = """
import json, resource, sys, time
from pathlib import Path
mode, folder, out, jobs = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
files = sorted(folder.glob("*.html"))
start = time.perf_counter()
if mode == "parse":
    from lxml import html
    from ogi_report.audit.html_reader import decode
    for f in files:
        html.document_fromstring(decode(f.read_bytes()))
else:
    import contextlib, io
    from ogi_report.cli import main
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["audit", str(folder), "--out", out, "--jobs", jobs]) == 0
seconds = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = {"main_cpu": me.ru_utime + me.ru_stime, "workers_cpu": kids.ru_utime + kids.ru_stime}
print(json.dumps({"seconds": seconds, "own_mb": me.ru_maxrss / 1024, "child_mb": kids.ru_maxrss / 1024, **cpu}))
"""


def measure(mode: str, folder: Path, out: Path, jobs: int) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, mode, str(folder), str(out), str(jobs)], env=ENV,
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def make_pages(folder: Path, count: int) -> None:
    """`count` pages, in groups of every source page, each group under its own body names."""
    sources = sorted(FIXTURES.glob("*/*.html"))
    for i in range(count):
        group, source = divmod(i, len(sources))
        raw = sources[source].read_bytes()
        for body in BODIES:
            for encoding in ("utf-8", "gb18030"):
                raw = raw.replace(body.encode(encoding), f"{body}{group:03d}".encode(encoding))
        (folder / f"{i:04d}-{sources[source].name}").write_bytes(raw)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        make_pages(folder, args.pages)
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1024 / 1024
        results: dict[str, list[dict]] = {"parse": [], "audit": []}
        for run in range(args.repeat):  # interleaved: the machine's load falls on every measure alike
            for mode in results:
                results[mode].append(measure(mode, folder, Path(tmp) / f"out{run}", args.jobs))
        findings = sum(1 for _ in (Path(tmp) / "out0" / "findings.csv").open(encoding="utf-8-sig")) - 1
        html_mb = (Path(tmp) / "out0" / "audit.html").stat().st_size / 1024 / 1024
    parse = statistics.median(r["seconds"] for r in results["parse"])
    audit = statistics.median(r["seconds"] for r in results["audit"])
    memory = max(r["own_mb"] + args.jobs * r["child_mb"] for r in results["audit"])
    main_cpu = statistics.median(r["main_cpu"] for r in results["audit"])
    workers_cpu = statistics.median(r["workers_cpu"] for r in results["audit"])
    rows = [
        (f"lxml 解析 {args.pages} 个网页（地板）", f"{parse:.2f} s",
         f"峰值内存 {max(r['own_mb'] for r in results['parse']):.0f} MB"),
        (f"ogi-report audit {args.pages} 个网页（--jobs {args.jobs}）", f"{audit:.2f} s",
         f"地板的 {audit / parse:.1f} 倍；内存上限 {memory:.0f} MB（主进程 + {args.jobs} × 最大工作进程）；"
         f"{findings} 条核对记录，audit.html {html_mb:.1f} MB（目标：≤ 30 s，≤ 1 GB）"),
        ("其中 CPU 时间（与机器负载无关）", f"{main_cpu + workers_cpu:.1f} s",
         f"主进程 {main_cpu:.1f} s（收集、配对、写出），工作进程合计 {workers_cpu:.1f} s（读取、核对）；"
         f"2 核空闲时约需 {main_cpu + workers_cpu / args.jobs:.1f} s"),
    ]
    cores = len(os.sched_getaffinity(0))
    header = (f"机器：{platform.machine()}，{cores} 核，Python {platform.python_version()}；"
              f"{args.pages} 个网页共 {size:.1f} MB，重复 {args.repeat} 次取中位数；"
              f"测量结束时 1 分钟平均负载 {os.getloadavg()[0]:.1f}。")
    write_results("audit", header, ("测量", "结果", "说明"), rows, save=not args.no_save)


if __name__ == "__main__":
    main()
