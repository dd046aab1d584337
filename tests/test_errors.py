"""Errors that cross process boundaries intact, and command-line mistakes said in Chinese, not tracebacks."""

from __future__ import annotations

import datetime
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from ogi_report.build import BuildError, NotebookError, Run, _destination
from ogi_report.cli import main
from ogi_report.problems import InputError, Problem

from .conftest import ROOT

DATA = ROOT / "data" / "naizishan"
NOTEBOOK = ROOT / "notebooks" / "annual_report.ipynb"


def _round_trip(exc: Exception) -> Exception:
    return pickle.loads(pickle.dumps(exc))


def test_input_error_keeps_its_problems_across_processes():
    problems = [Problem("数量应为正整数", "fees.csv", 3, "数量"), Problem("编号重复", "requests.csv", 2, "编号")]
    again = _round_trip(InputError(problems))
    assert type(again) is InputError
    assert again.problems == InputError(problems).problems
    assert again.text() == InputError(problems).text()


def test_notebook_error_keeps_its_message_and_name_across_processes():
    again = _round_trip(NotebookError("笔记本 a.ipynb 第 2 个代码单元格执行出错：InputError: …", "InputError"))
    assert type(again) is NotebookError
    assert (str(again), again.ename) == ("笔记本 a.ipynb 第 2 个代码单元格执行出错：InputError: …", "InputError")
    assert str(_round_trip(BuildError("找不到笔记本"))) == "找不到笔记本"


def _build(capsys, *args: str) -> tuple[int, str]:
    status = main(["build", *args, "--notebook", str(NOTEBOOK)])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


PARAMS = {
    "bad_year.yaml": ("data_dir: data/naizishan\nyear: 二〇一七\n", "params/bad_year.yaml：年度“二〇一七”不是整数年份"),
    "fraction.yaml": ("data_dir: data/naizishan\nyear: 2017.5\n", "params/fraction.yaml：年度“2017.5”不是整数年份"),
    "a_list.yaml": ("- data_dir: data/naizishan\n- year: 2017\n", "params/a_list.yaml：参数文件应是"),
    "not_yaml.yaml": ("data_dir: [data/naizishan\nyear: 2017\n", "params/not_yaml.yaml 第2行：不是有效的 YAML"),
    "no_year.yaml": ("data_dir: data/naizishan\n", "params/no_year.yaml：参数文件缺少 year"),
    "too_early.yaml": ("data_dir: data/naizishan\nyear: 2007\n", "params/too_early.yaml：年度 2007 不在 2008–"),
}


def test_malformed_params_files_are_all_listed_in_chinese(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "params").mkdir()
    for name, (text, _) in PARAMS.items():
        (tmp_path / "params" / name).write_text(text, encoding="utf-8")
    files = [f"params/{name}" for name in PARAMS] + ["params/missing.yaml"]
    status, out = _build(capsys, "--params", *files, "--out", str(tmp_path / "out"))
    assert status == 1
    assert "Traceback" not in out
    for _, expected in PARAMS.values():
        assert f"错误：{expected}" in out, expected
    assert "错误：params/missing.yaml：参数文件不存在" in out
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["build", "check", "names"])
@pytest.mark.parametrize("year", [0, 2007, datetime.date.today().year + 2])
def test_a_year_outside_the_regulation_is_refused(command, year, capsys):
    argv = [command, str(DATA), "--year", str(year)]
    assert main(argv + (["--notebook", str(NOTEBOOK)] if command == "build" else [])) == 1
    err = capsys.readouterr().err
    assert f"错误：年度 {year} 不在 2008–{datetime.date.today().year + 1} 之间" in err


def test_an_output_folder_that_is_a_file_is_named_in_chinese(tmp_path, capsys):
    blocker = tmp_path / "outputs"
    blocker.write_text("not a folder")
    status, out = _build(capsys, str(DATA), "--year", "2017", "--out", str(blocker))
    assert status == 1
    assert f"无法写入输出文件夹 {blocker / 'naizishan'}：该路径或其上级是一个文件，而不是文件夹" in out
    assert "Errno" not in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_named_in_chinese(tmp_path, capsys):
    out_root = tmp_path / "outputs"
    out_root.mkdir()
    out_root.chmod(0o555)
    status, out = _build(capsys, str(DATA), "--year", "2017", "--out", str(out_root))
    assert status == 1
    assert f"无法写入输出文件夹 {out_root / 'naizishan'}：没有写入权限" in out


def test_the_current_folder_gets_its_own_name(tmp_path, monkeypatch):
    folder = tmp_path / "naizishan"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert Run(Path("."), 2017).label == "naizishan 2017"
    assert _destination(Path("."), 2017, tmp_path / "out") == tmp_path / "out" / "naizishan" / "2017"


def test_names_into_a_closed_pipe_exits_quietly():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "ogi_report.cli", "names", str(DATA), "--year", "2017"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader is gone before the first line, as `| head -0` would be
    err = proc.stderr.read().decode()
    assert proc.wait() == 0
    assert err == ""


def test_a_quoted_year_in_a_params_file_is_read_as_a_number(tmp_path):
    from ogi_report.build import runs_from_params

    (tmp_path / "2017.yaml").write_text('data_dir: data/naizishan\nyear: "2017"\n', encoding="utf-8")
    assert runs_from_params([tmp_path / "2017.yaml"]) == [Run(Path("data/naizishan"), 2017)]


def test_no_permission_on_the_output_folder_is_named_in_chinese(tmp_path, capsys, monkeypatch):
    """As a read-only folder answers a normal user (the test may run as root, who may write anywhere)."""
    import tempfile

    def refuse(*args, dir: str, **kw):
        raise PermissionError(13, "Permission denied", dir)

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    status, out = _build(capsys, str(DATA), "--year", "2017", "--out", str(tmp_path))
    assert status == 1
    assert f"无法写入输出文件夹 {tmp_path / 'naizishan'}：没有写入权限" in out


def test_a_stuck_cell_stops_the_build_with_a_clear_message(tmp_path, monkeypatch):
    """An endless cell used to hold a build (and a batch) forever."""
    import nbformat

    from ogi_report import build as build_module

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(60)")])
    path = tmp_path / "stuck.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setattr(build_module, "CELL_TIMEOUT", 2)
    km = build_module.start_kernel(tmp_path)
    try:
        with pytest.raises(build_module.BuildError, match="运行超过 2 秒仍未结束"):
            build_module.execute(path, tmp_path, {}, km)
    finally:
        build_module.stop_kernel(km)


def test_two_agency_folders_with_the_same_name_are_not_built_over_each_other(tmp_path, capsys):
    """Both wrote outputs/<name>/<year>/: the second silently replaced the first."""
    from ogi_report.cli import main

    from .conftest import make_agency

    rows = "编号,收到日期,申请人类型,办理结果,答复日期\n"
    first = make_agency(tmp_path / "county-a", {"requests": rows}, {2021: "发布日期: 2022-01-20\n"})
    second = make_agency(tmp_path / "county-b", {"requests": rows}, {2021: "发布日期: 2022-01-20\n"})
    assert first.name == second.name
    assert main(["build", str(first), str(second), "--year", "2021", "--out", str(tmp_path / "out")]) == 1
    assert "多个机构文件夹同名" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))


@pytest.mark.parametrize(("argv", "said"), [
    (["build", "data/example", "--year", "abc"], "错误：参数 --year：年度“abc”不是整数年份，如 2021"),
    (["check", "data/example"], "错误：缺少必需的参数：--year"),
    (["build", "--jobs", "x"], "错误：参数 --jobs 应为整数，而不是“x”"),
    (["names", "data/example", "--year"], "错误：参数 --year 后面缺少取值"),
    (["check", "data/example", "--year", "2021", "--frob"], "错误：无法识别的参数：--frob"),
])
def test_command_line_mistakes_are_said_in_chinese(argv, said, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith("用法：ogi-report ")
    assert err.splitlines()[-1] == said


def test_help_is_in_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：ogi-report build") and "显示本帮助并退出" in out and "options" not in out
