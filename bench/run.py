"""Benchmark of ogi-report on this machine, in one run, as medians of repeated measurements.

Measures: one full report (execute + HTML + PDF) against the floor (an empty parameterized notebook
through the same papermill → HTML → PDF chain), with the chart cache warm and off; the batch of every
report in params/ sequentially against in parallel; the no-change rebuild; large ledgers (1,000,000
requests, 10,000,000 decisions, a 200,000-row .xlsx) with peak memory. Writes the results table into bench/README.md.

Run from the project root: python bench/run.py [--repeat 5] [--quick]
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

FLOOR = """
import sys, nbformat
from pathlib import Path
from ogi_report.build import execute, start_kernel, stop_kernel
from ogi_report.export import ReportHTMLExporter, ReportPDFExporter
out = Path(sys.argv[1])
nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                     "display_name": "Python 3"}})
cell = nbformat.v4.new_code_cell('data_dir = "data"\\nyear = 2017\\noutput_dir = "."')
cell.metadata["tags"] = ["parameters"]
nb.cells = [cell]
path = out / "floor.ipynb"
nbformat.write(nb, path)
km = start_kernel(out)
try:
    done = execute(path, out, {"data_dir": "x", "year": 2017, "output_dir": "."}, km)
finally:
    stop_kernel(km)
(out / "floor.html").write_text(ReportHTMLExporter().from_notebook_node(done)[0], encoding="utf-8")
(out / "floor.pdf").write_bytes(ReportPDFExporter().from_notebook_node(done)[0])
"""

LARGE = """
import json, sys, time
from pathlib import Path
from ogi_report.ledgers import load_ledger
from ogi_report import figures
stem, folder = sys.argv[1], Path(sys.argv[2])
start = time.perf_counter()
frame, _, problems = load_ledger(folder, stem)
assert not problems, problems[:3]
compute = {"decisions": figures.decision_figures, "requests": figures.request_figures}[stem]
result = compute(frame, 2021)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(frame), "peak_mb": peak_kb / 1024}))
"""


# As a user runs it: bytecode caches written and used (some sandboxes switch them off).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], env: dict | None = None, **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=env or ENV, **kw)
    return time.perf_counter() - start


def median(cmd_factory, repeat: int) -> float:
    return statistics.median(cmd_factory() for _ in range(repeat))


def interleaved(repeat: int, *measures) -> list[float]:
    """The median of each measure, taken in rounds of one of each."""
    samples = [[] for _ in measures]
    for _ in range(repeat):
        for sample, measure in zip(samples, measures, strict=True):
            sample.append(measure())
    return [statistics.median(sample) for sample in samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smaller large ledgers, for a smoke run")
    args = parser.parse_args()
    python = sys.executable
    cli = [python, "-m", "ogi_report.cli"]
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    rows: list[tuple[str, str, str]] = []
    try:
        # HTML and PDF only: the floor prints the same two (bench/editions.py measures each edition).
        one = [*cli, "build", "data/naizishan", "--year", "2017", "--force", "--out", str(work / "one"),
               "--editions", "html,pdf"]
        cold_env = {**ENV, "OGI_REPORT_CHART_CACHE": "off"}
        warm_env = {**ENV, "OGI_REPORT_CHART_CACHE": str(work / "chart-cache")}
        timed(one, warm_env)  # fills the chart cache
        floor_dir = work / "floor"
        floor_dir.mkdir()
        # Interleaved, one of each per round, so that a slower spell of a shared machine hits all three.
        floor, cold, warm = interleaved(args.repeat, lambda: timed([python, "-c", FLOOR, str(floor_dir)]),
                                        lambda: timed(one, cold_env), lambda: timed(one, warm_env))
        rows.append(("一份报告（执行 + HTML + PDF，奶子山街 2017），图表缓存已有", f"{warm:.2f} s",
                     f"地板 {floor:.2f} s，比值 {warm / floor:.2f}（目标 ≤ 1.5）"))
        rows.append(("同上，不用图表缓存（首次生成）", f"{cold:.2f} s", f"比值 {cold / floor:.2f}"))

        params = sorted(str(p) for p in (ROOT / "params").glob("*/*.yaml"))
        batch = [*cli, "build", "--force", "--out", str(work / "batch"), "--params", *params]
        sequential, parallel = interleaved(max(1, args.repeat // 2), lambda: timed([*batch, "--jobs", "1"], cold_env),
                                           lambda: timed([*batch, "--jobs", str(cores)], cold_env))
        speedup = sequential / parallel
        rows.append((f"全部 {len(params)} 份报告，顺序 / 并行（{cores} 核）", f"{sequential:.1f} s / {parallel:.1f} s",
                     f"加速 {speedup:.2f}×（目标 ≥ {0.8 * cores:.1f}×）"))

        nochange = [*cli, "build", "--out", str(work / "batch"), "--params", *params]
        unchanged = median(lambda: timed(nochange), args.repeat)
        rows.append((f"无变化时重新生成全部 {len(params)} 份", f"{unchanged:.2f} s", "目标 ≤ 1 s"))

        from large_ledgers import write_decisions, write_requests, write_requests_xlsx

        sizes = {"requests": 1_000_000, "decisions": 10_000_000, "xlsx": 200_000}
        if args.quick:
            sizes = {k: v // 100 for k, v in sizes.items()}
        large = work / "large"
        large.mkdir()
        write_requests(large / "requests.csv", sizes["requests"])
        write_decisions(large / "decisions.csv", sizes["decisions"])
        xlsx = work / "xlsx"
        xlsx.mkdir()
        write_requests_xlsx(xlsx / "requests.xlsx", sizes["xlsx"])
        targets = {"requests": "≤ 3 s", "decisions": "≤ 10 s", "xlsx": "数秒"}
        for label, stem, folder in (("requests", "requests", large), ("decisions", "decisions", large),
                                    ("xlsx", "requests", xlsx)):
            results = []
            for _ in range(max(1, args.repeat // 2)):
                out = subprocess.run([python, "-c", LARGE, stem, str(folder)], check=True, capture_output=True,
                                     text=True, cwd=ROOT)
                results.append(json.loads(out.stdout))
            seconds = statistics.median(r["seconds"] for r in results)
            peak = max(r["peak_mb"] for r in results)
            name = {"requests": "申请台账 CSV", "decisions": "处理决定台账 CSV", "xlsx": "申请台账 .xlsx"}[label]
            rows.append((f"{name} {sizes[label]:,} 行 → 表格", f"{seconds:.2f} s",
                         f"峰值内存 {peak:.0f} MB（目标 {targets[label]}，≤ 2 GB）"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    header = (f"机器：{platform.machine()}，{cores} 核，Python {platform.python_version()}；"
              f"重复 {args.repeat} 次取中位数{'（--quick）' if args.quick else ''}。")
    write_results("results", header, ("测量", "结果", "说明"), rows, save=not args.quick)


def write_results(marker: str, header: str, columns: tuple[str, ...], rows: list[tuple[str, ...]],
                  save: bool = True) -> None:
    """Print the results table, and put it between <!-- marker --> and <!-- /marker --> in bench/README.md."""
    table = "\n".join([f"| {' | '.join(columns)} |", "|---" * len(columns) + "|",
                       *(f"| {' | '.join(row)} |" for row in rows)])
    print(header)
    print(table)
    if not save:
        return
    readme = BENCH / "README.md"
    text = readme.read_text(encoding="utf-8")
    begin, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    if begin in text:
        before, rest = text.split(begin, 1)
        after = rest.split(end, 1)[1]
        readme.write_text(f"{before}{begin}\n{header}\n\n{table}\n{end}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
