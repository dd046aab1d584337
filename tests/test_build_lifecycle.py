"""A build stopped, raced or killed half-way: no kernel left running, no report lost or half-published."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from ogi_report.build import DEFAULT_NOTEBOOK, BuildError, _remove_abandoned, build

ROOT = Path(__file__).resolve().parents[1]


def _kernels_of(marker: str) -> set[int]:
    """Running ipykernel processes whose working folder lies under `marker`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if b"ipykernel_launcher" in cmdline and cwd.startswith(marker):
            found.add(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("years", [["2021"], ["2021", "2022"]], ids=["one", "parallel"])
def test_a_build_stopped_by_its_caller_leaves_no_kernel_and_no_temporary_folder(tmp_path, years):
    endless = nbformat.read(DEFAULT_NOTEBOOK, as_version=4)
    endless.cells.insert(4, nbformat.v4.new_code_cell("while True:\n    pass  # an analyst's endless loop"))
    notebook = tmp_path / "endless.ipynb"
    nbformat.write(endless, notebook)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    args = [a for y in years for a in ("--year", y)]
    proc = subprocess.Popen([sys.executable, "-m", "ogi_report.cli", "build", str(ROOT / "data" / "example"),
                             *args, "--out", str(out), "--notebook", str(notebook), "--jobs", str(len(years))],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(_kernels_of(str(out))) < len(years) and time.monotonic() < deadline:
        time.sleep(0.5)
    kernels = _kernels_of(str(out))
    assert len(kernels) == len(years), "the kernels never started"
    time.sleep(4)  # into the cells, most likely the endless one; the outcome must not depend on when
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    deadline = time.monotonic() + 15
    while _kernels_of(str(out)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _kernels_of(str(out)), "a kernel kept running after its build was stopped"
    assert b"Traceback" not in err
    leftovers = [p.name for p in out.rglob("*") if ".building-" in p.name]
    assert leftovers == []


def test_two_builds_of_one_report_at_once_the_second_is_refused_in_chinese(agency, tmp_path):
    folder = agency({"proactive": "发布日期,标题,类别,渠道\n2021-01-05,通知,,政府网站\n"},
                    {2021: "发布日期: 2022-01-20\n"})
    out = tmp_path / "out"
    (out / folder.name).mkdir(parents=True)
    with open(out / folder.name / ".2021.lock", "a") as held:  # the first build, still running
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BuildError) as caught:
            build(folder, 2021, out, DEFAULT_NOTEBOOK)
    assert str(caught.value) == (f"另一个进程正在生成 {folder.name} 2021 年度报告（输出到 {out / folder.name / '2021'}）；"
                                 "请等它结束后再运行")
    assert not (out / folder.name / "2021").exists()


def test_a_report_a_kill_left_moved_aside_is_put_back(tmp_path):
    # Killed between the two renames of the publish step: the published report sits in .2021.old-<pid>.
    aside = tmp_path / ".2021.old-4194304"
    aside.mkdir()
    (aside / "report.html").write_text("已发布", encoding="utf-8")
    (tmp_path / ".2021.building-4194304-x").mkdir()
    (tmp_path / ".2022.building-4194304-x").mkdir()  # another year's build: not this one's business
    _remove_abandoned(tmp_path, 2021)
    assert (tmp_path / "2021" / "report.html").read_text(encoding="utf-8") == "已发布"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".2022.building-4194304-x", "2021"]


def test_a_moved_aside_report_is_dropped_once_a_newer_one_is_published(tmp_path):
    (tmp_path / "2021").mkdir()
    (tmp_path / "2021" / "report.html").write_text("新", encoding="utf-8")
    (tmp_path / ".2021.old-4194304").mkdir()
    _remove_abandoned(tmp_path, 2021)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2021"]
    assert (tmp_path / "2021" / "report.html").read_text(encoding="utf-8") == "新"
