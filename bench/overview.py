"""Time of the office's overview (`ogi-report overview`) for regions of growing size, on this machine.

A region of N bodies is generated from data/example (each body a copy of its ledgers and 2025 folder,
with its own name; ledgers of seven years, ~2,600 proactive rows and ~300 requests each), then the
overview of 2025 is exported through papermill as a user runs it, reading the bodies in as many processes
as there are cores: once with no member cached, then again with nothing changed (every member from
the cache, overview_cache.py). The largest process's peak memory is recorded. Then the same for a region
of generated bodies (scripts/generate_region.py's `generate_bodies`, as bench/region.py rolls up: 2025
only, ~84 ledger rows each). Writes the results table into bench/README.md between <!-- overview -->
markers.

Run from the project root: python bench/overview.py [--sizes 10 100 1000] [--generated 1000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import ENV, ROOT, write_results

sys.path.insert(0, str(ROOT / "scripts"))
from generate_region import generate_bodies

YEAR = 2025


def make_region(root: Path, size: int) -> Path:
    """region/ listing body-0000 … body-NNNN, each a renamed copy of data/example's ledgers and 2025."""
    example = ROOT / "data" / "example"
    for i in range(size):
        body = root / f"body-{i:04d}"
        body.mkdir()
        for ledger in example.glob("*.csv"):
            shutil.copyfile(ledger, body / ledger.name)
        shutil.copytree(example / str(YEAR), body / str(YEAR))
        (body / "agency.yaml").write_text(f"名称: 示例街道{i:04d}（虚构）\n简称: 示例{i:04d}\n", encoding="utf-8")
    region = root / "region"
    region.mkdir()
    members = "".join(f"  - ../body-{i:04d}\n" for i in range(size))
    (region / "region.yaml").write_text(f"名称: 基准区（虚构）\n简称: 基准区\n成员:\n{members}", encoding="utf-8")
    return region


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--generated", type=int, nargs="*", default=[1000],
                        help="also regions of this many generated bodies (bench/region.py's: ~84 ledger rows each)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    rows = []
    kinds = [(size, False) for size in args.sizes] + [(size, True) for size in args.generated]
    for size, generated in kinds:
        work = Path(tempfile.mkdtemp(prefix="ogi-bench-overview-"))
        try:
            if generated:
                region = work / "region"
                generate_bodies(region, size)
            else:
                region = make_region(work, size)
            env = {**ENV, "OGI_REPORT_CHART_CACHE": str(work / "chart-cache")}
            cmd = [sys.executable, "-m", "ogi_report.cli", "overview", str(region), "--year", str(YEAR),
                   "--out", str(work / "out")]
            cold, warm = [], []
            for _ in range(args.repeat):
                shutil.rmtree(work / "out", ignore_errors=True)  # first run: no member cached
                for times in (cold, warm):  # then again, nothing changed: every member from the cache
                    start = time.perf_counter()
                    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=env)
                    times.append(time.perf_counter() - start)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            page = work / "out" / "region" / "overview" / str(YEAR) / "overview.html"
            seconds, again = statistics.median(cold), statistics.median(warm)
            kind = "生成的机构，每个约 84 行台账" if generated else "示例街道的副本，每个 7 年约 2,900 行台账"
            rows.append((f"{size} 个成员（{kind}）", f"{seconds:.1f} s / {again:.1f} s",
                         f"首次每个成员 {1000 * seconds / size:.0f} ms；网页 {page.stat().st_size / 1e6:.1f} MB；"
                         f"最大进程峰值内存 {peak:.0f} MB"))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    header = (f"机器：{platform.machine()}，{cores} 核，Python {platform.python_version()}；`ogi-report overview`"
              f"（papermill 执行 + 导出 HTML，{cores} 个进程读取成员），重复 {args.repeat} 次取中位数。")
    write_results("overview", header, ("区域", "首次 / 成员未变时再次生成", "说明"), rows)


if __name__ == "__main__":
    main()
