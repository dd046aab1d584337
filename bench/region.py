"""What a region (汇总) of many bodies costs: loading every body's ledgers and summing their figures, and
the whole Report (checks, prose, tables) on top, for one year.

Generates a flat region of N fictional bodies (scripts/generate_region.py `generate_bodies`, a few
hundred ledger rows each) in a temporary folder, then measures, each in a fresh process: the first
load with an empty cache on every core, the same on one core (on a tenth of the bodies, scaled), and
the load again with the cache filled (nothing changed); peak memory is the largest process's. Writes
the results table into bench/README.md between <!-- region --> markers.

Run from the project root: python bench/region.py [--bodies 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from run import ENV, ROOT, write_results

sys.path.insert(0, str(ROOT / "scripts"))
from generate_region import generate_bodies

MEASURE = """
import json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from ogi_report.region import load_region_data
from ogi_report.report import Report
folder, workers, limit = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
if limit:  # a smaller region of the first `limit` bodies, same layout
    text = (folder / "region.yaml").read_text(encoding="utf-8").split("成员:")[0]
    small = folder.parent / f"first-{limit}"
    small.mkdir(exist_ok=True)
    members = "".join(f"  - ../{folder.name}/bodies/b{n:04d}\\n" for n in range(limit))
    (small / "region.yaml").write_text(text + "成员:\\n" + members, encoding="utf-8")
    import shutil
    shutil.copytree(folder / "2025", small / "2025", dirs_exist_ok=True)
    folder = small
imported = time.perf_counter()
def cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
cpu_start = cpu()
data = load_region_data(folder, 2025, workers=workers)
loaded = time.perf_counter()
cpu_load = cpu() - cpu_start
report = Report(data)
done = time.perf_counter()
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"import": imported - start, "load": loaded - imported, "cpu": cpu_load, "report": done - loaded,
                  "bodies": len(data.bodies), "rows": sum(len(t) for t in data.ledgers.values()),
                  "rss_mb": rss / 1024, "received": report.figures["requests.received.总计"]}))
"""


def measure(folder: Path, cache: Path, workers: int, limit: int = 0) -> dict:
    env = {**ENV, "OGI_REPORT_CACHE": str(cache), "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", MEASURE, str(folder), str(workers), str(limit)], env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=1000)
    parser.add_argument("--no-save", action="store_true", help="print the table without updating README.md")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "region"
        generate_bodies(folder, args.bodies)
        sample = max(1, args.bodies // 10)
        one = measure(folder, Path(tmp) / "cache-one", 1, sample)
        cold = measure(folder, Path(tmp) / "cache", cores)
        warm = measure(folder, Path(tmp) / "cache", cores)
    per_body = one["cpu"] / sample
    header = (f"机器：{platform.machine()}，{cores} 核，Python {platform.python_version()}；{args.bodies} 个虚构机构"
              f"（每个约 {cold['rows'] // args.bodies} 行台账），2025 年度；每项在新进程中测一次（不含导入 "
              f"{cold['import']:.1f} s）。这台机器由多个会话共用，墙钟时间受负载影响，CPU 时间更稳定。")
    rows = [
        ("首次读取（缓存为空），单核", f"{one['load'] * args.bodies / sample:.1f} s",
         f"{per_body * args.bodies:.1f} s", f"按前 {sample} 个机构实测推算；每个机构 CPU {per_body * 1000:.0f} ms"),
        (f"首次读取（缓存为空），{cores} 核并行", f"{cold['load']:.1f} s", f"{cold['cpu']:.1f} s",
         f"峰值内存 {cold['rss_mb']:.0f} MB（单个进程）"),
        ("再次读取（台账未变，读缓存）", f"{warm['load']:.1f} s", f"{warm['cpu']:.1f} s",
         f"峰值内存 {warm['rss_mb']:.0f} MB"),
        ("汇总报告对象（检查、表格、文字）", f"{warm['report']:.2f} s", "", f"{warm['rows']} 行台账合并后计算"),
    ]
    write_results("region", header, ("步骤", "墙钟时间", "CPU 时间", "说明"), rows, save=not args.no_save)


if __name__ == "__main__":
    main()
