"""What each edition (editions.py) costs a build, on this machine, as medians of repeated measurements.

Two views: the wall time of `ogi-report build --force --editions <one>` for each edition alone and for
all of them (what a user waits for); and, in a fresh process per edition, its parts: `prepare` (runs in
the build's side thread while the kernel works), loading the report in the build process (the Word file
needs the Report object; the HTML and PDF only the executed notebook) and `write`. Writes the results
table into bench/README.md between <!-- editions --> markers.

Run from the project root: python bench/editions.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from run import ENV, ROOT, interleaved, timed, write_results

from ogi_report.editions import EDITIONS

PARTS = """
import json, sys, time
from pathlib import Path
import nbformat
from ogi_report.editions import EDITIONS, EditionContext
from ogi_report.summary import find_summary
name, folder, data_dir, year = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
nb = nbformat.read(folder / "report.ipynb", as_version=4)
edition = EDITIONS[name]
start = time.perf_counter()
prepared = edition.prepare() if edition.prepare else None
prepare = time.perf_counter() - start
context = EditionContext(nb, find_summary(nb), data_dir, year, folder, folder.parent, {name: prepared})
start = time.perf_counter()
if edition.needs_report:
    context.report
load = time.perf_counter() - start
start = time.perf_counter()
edition.write(context)
print(json.dumps({"prepare": prepare, "load": load, "write": time.perf_counter() - start}))
"""

CASE = ("data/example", 2021)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="ogi-bench-editions-"))
    env = {**ENV, "OGI_REPORT_CHART_CACHE": str(work / "chart-cache")}
    data_dir, year = CASE
    rows: list[tuple[str, str, str]] = []
    try:
        def build(editions: str):
            command = [python, "-m", "ogi_report.cli", "build", data_dir, "--year", str(year), "--force",
                       "--out", str(work / "out"), "--editions", editions]
            return lambda: timed(command, env)

        build(",".join(EDITIONS))()  # fills the chart cache and leaves report.ipynb for the parts
        keep = work / "executed"
        shutil.copytree(work / "out" / Path(data_dir).name / str(year), keep)
        choices = [*EDITIONS, ",".join(EDITIONS)]
        walls = dict(zip(choices, interleaved(args.repeat, *map(build, choices)), strict=True))
        for name, edition in EDITIONS.items():
            samples = []
            for _ in range(args.repeat):
                out = subprocess.run([python, "-c", PARTS, name, str(keep), str(ROOT / data_dir), str(year)],
                                     check=True, capture_output=True, text=True, cwd=ROOT, env=env)
                samples.append(json.loads(out.stdout))
            part = {key: statistics.median(s[key] for s in samples) for key in ("prepare", "load", "write")}
            load = f"，在生成进程中读取台账并计算 {part['load']:.2f} s（也与内核并行）" if part["load"] > 0.01 else ""
            rows.append((f"{edition.label}（{edition.file}）", f"{walls[name]:.2f} s",
                         f"准备 {part['prepare']:.2f} s（与内核并行）{load}，写出 {part['write']:.2f} s"))
        rows.append(("全部版本", f"{walls[choices[-1]]:.2f} s", "一次生成全部版本"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    header = (f"机器：{platform.machine()}，Python {platform.python_version()}；示例街道 2021，图表缓存已有；"
              f"`ogi-report build --force --editions …` 的总时间（含启动、内核执行），重复 {args.repeat} 次取中位数。")
    write_results("editions", header, ("版本", "总时间", "其中"), rows)


if __name__ == "__main__":
    main()
