"""`nox -s report -- <agency> <year>`: which build it asks for, or why not, in Chinese."""

from __future__ import annotations

import importlib.util
import sys
import types

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def noxfile():
    """noxfile.py loaded with a stand-in for nox, which the test environment does not install."""
    stub = types.ModuleType("nox")
    stub.options = types.SimpleNamespace()
    stub.session = lambda *a, **kw: (a[0] if a and callable(a[0]) else (lambda f: f))
    stub.Session = object
    saved = sys.modules.get("nox")
    sys.modules["nox"] = stub
    try:
        spec = importlib.util.spec_from_file_location("noxfile_under_test", ROOT / "noxfile.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            del sys.modules["nox"]
        else:
            sys.modules["nox"] = saved
    return module


def test_a_listed_year_uses_its_params_file(noxfile):
    assert noxfile.report_args(["naizishan", "2017"], ROOT) == ["--params", "params/naizishan/2017.yaml"]


def test_an_unlisted_year_is_built_from_the_data_folder(noxfile):
    assert noxfile.report_args(["naizishan", "2018", "2017"], ROOT) == [
        "data/naizishan", "--year", "2018", "--params", "params/naizishan/2017.yaml"]


def test_an_unknown_agency_is_said_in_chinese(noxfile):
    with pytest.raises(ValueError, match=r"找不到参数文件 params/nowhere/2021\.yaml，也没有机构数据文件夹 data/nowhere"):
        noxfile.report_args(["nowhere", "2021"], ROOT)
    with pytest.raises(ValueError, match="params/nowhere/ 中没有参数文件"):
        noxfile.report_args(["nowhere"], ROOT)
    with pytest.raises(ValueError, match="年度“二〇二一”不是整数年份"):
        noxfile.report_args(["naizishan", "二〇二一"], ROOT)


def test_without_arguments_every_params_file_is_built(noxfile):
    args = noxfile.report_args([], ROOT)
    assert args[0] == "--params" and "params/naizishan/2017.yaml" in args and len(args) == 14  # naizishan 1, example 7, example-region 5


class _Session:
    """Records what a nox session would run."""

    def __init__(self, posargs: list[str]):
        self.posargs, self.ran = posargs, []

    def install(self, *args):
        pass

    def run(self, *args):
        self.ran.append(args)

    def error(self, message):
        raise SystemExit(message)


def test_audit_session_runs_the_summary_notebook_on_the_folder(noxfile):
    session = _Session(["reports/2024", "--year", "2024"])
    noxfile.audit(session)
    assert session.ran == [("python", "-m", "ogi_report.audit.notebook", "reports/2024", "--year", "2024")]
    with pytest.raises(SystemExit, match="请指定"):
        noxfile.audit(_Session([]))


def test_overview_takes_a_region_folder_or_its_name_under_data(noxfile, tmp_path):
    (tmp_path / "data" / "some-region").mkdir(parents=True)
    (tmp_path / "data" / "some-region" / "region.yaml").write_text("名称: 某区\n成员: []\n", encoding="utf-8")
    assert noxfile.overview_args(["data/some-region", "2025"], tmp_path) == ["data/some-region", "--year", "2025"]
    assert noxfile.overview_args(["some-region", "2025"], tmp_path) == ["data/some-region", "--year", "2025"]
    with pytest.raises(ValueError, match=r"找不到区域文件夹 data/example（应包含 region\.yaml）"):
        noxfile.overview_args(["data/example", "2025"], ROOT)
    with pytest.raises(ValueError, match="年度“今年”不是整数年份"):
        noxfile.overview_args(["some-region", "今年"], tmp_path)
    with pytest.raises(ValueError, match="需要区域文件夹和年度两个参数"):
        noxfile.overview_args(["some-region"], tmp_path)
