"""Editions: chosen in report.yaml (版本) or by --editions, all by default; the no-change rebuild and the
batch take the choice into account."""

from __future__ import annotations

import pytest

from ogi_report.build import DEFAULT_NOTEBOOK, BuildError, Run, build, build_many
from ogi_report.cli import main
from ogi_report.editions import EDITIONS, EditionContext, parse
from ogi_report.report import load_report

ALWAYS = {".inputs.sha256", ".figure-rows.json", "figures.csv", "report.ipynb"}
PROACTIVE = {"proactive": "发布日期,标题,类别,渠道\n2021-01-05,通知,,政府网站\n"}


def test_names_are_read_from_a_list_or_a_comma_separated_text_in_registry_order():
    assert parse(["PDF", " html "], "r.yaml") == (("html", "pdf"), [])
    assert parse("pdf，html", "--editions") == (("html", "pdf"), [])
    assert parse("html,", "--editions") == (("html",), [])


def test_an_unknown_name_is_an_error_naming_the_file_and_the_known_names():
    names, problems = parse(["html", "htlm", "epub"], "2021/report.yaml")
    assert names == ("html",)
    known = "、".join(EDITIONS)
    assert [str(p) for p in problems] == [
        f"错误：2021/report.yaml：「版本」“htlm”无效（是否应为“html”，即网页版？）；可选：{known}",
        f"错误：2021/report.yaml：「版本」“epub”无效；可选：{known}",
    ]


@pytest.mark.parametrize("value", [[], "", 3, {"html": True}])
def test_no_name_or_not_a_list_is_an_error(value):
    names, problems = parse(value, "2021/report.yaml")
    assert names == ()
    assert len(problems) == 1 and "「版本」" in problems[0].message and problems[0].file == "2021/report.yaml"


def test_an_unknown_editions_flag_is_refused_in_chinese(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["build", "data/example", "--year", "2021", "--editions", "html,htlm"])
    assert exited.value.code == 2
    assert "错误：参数 --editions：「版本」“htlm”无效（是否应为“html”，即网页版？）；" in capsys.readouterr().err


def _files(folder) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.mark.slow
def test_the_flag_chooses_the_files_and_a_different_choice_is_a_rebuild(agency, tmp_path):
    folder = agency(PROACTIVE, {2021: "发布日期: 2022-01-20\n"})
    out = tmp_path / "out"
    first = build(folder, 2021, out, DEFAULT_NOTEBOOK, editions=["html"])
    assert _files(first.output) == ALWAYS | {"report.html"}
    html = (first.output / "report.html").read_bytes()
    assert build(folder, 2021, out, DEFAULT_NOTEBOOK, editions=["html"]).skipped
    # The batch judges the same way, before starting any worker.
    [(_, again)] = build_many([Run(folder, 2021)], out, DEFAULT_NOTEBOOK, editions=["html"])
    assert again.skipped
    everything = build(folder, 2021, out, DEFAULT_NOTEBOOK)  # no flag, no 版本: every edition
    assert not everything.skipped
    assert _files(everything.output) == ALWAYS | {e.file for e in EDITIONS.values()}
    assert (everything.output / "report.html").read_bytes() == html  # an edition does not depend on the others
    [(_, batch)] = build_many([Run(folder, 2021)], out, DEFAULT_NOTEBOOK, editions=["pdf"], jobs=1)
    assert not batch.skipped and _files(batch.output) == ALWAYS | {"report.pdf"}


@pytest.mark.slow
def test_report_yaml_chooses_the_editions_and_the_flag_overrides_it(agency, tmp_path):
    folder = agency(PROACTIVE, {2021: "发布日期: 2022-01-20\n版本: [html]\n"})
    out = tmp_path / "out"
    assert _files(build(folder, 2021, out, DEFAULT_NOTEBOOK).output) == ALWAYS | {"report.html"}
    assert build(folder, 2021, out, DEFAULT_NOTEBOOK).skipped
    assert _files(build(folder, 2021, out, DEFAULT_NOTEBOOK, editions=["pdf"]).output) == ALWAYS | {"report.pdf"}
    (folder / "2021" / "report.yaml").write_text("发布日期: 2022-01-20\n版本: pdf\n", encoding="utf-8")
    assert _files(build(folder, 2021, out, DEFAULT_NOTEBOOK).output) == ALWAYS | {"report.pdf"}


def test_editions_made_from_the_report_stop_when_the_ledgers_changed_during_the_build(agency, tmp_path):
    folder = agency(PROACTIVE, {2021: "发布日期: 2022-01-20\n"})
    built = tmp_path / "built"
    built.mkdir()
    load_report(folder, 2021).save_figures(built)  # what the notebook wrote
    context = EditionContext(None, None, folder, 2021, built, tmp_path)
    assert context.report.year == 2021
    (folder / "documents.csv").write_text(  # saved while the build ran: 表二 counts one document more
        "文号,标题,类型,印发日期,废止日期\n示发〔2021〕1号,办法,行政规范性文件,2021-03-01,\n", encoding="utf-8")
    with pytest.raises(BuildError, match="在生成过程中被修改"):
        _ = EditionContext(None, None, folder, 2021, built, tmp_path).report


@pytest.mark.slow
def test_the_command_line_passes_the_editions_to_the_build(agency, tmp_path, capsys):
    folder = agency(PROACTIVE, {2021: "发布日期: 2022-01-20\n"})
    out = tmp_path / "out"
    args = ["build", str(folder), "--year", "2021", "--out", str(out), "--editions", "docx"]
    assert main(args) == 0
    assert _files(out / folder.name / "2021") == ALWAYS | {"report.docx"}
    assert main(args) == 0
    assert "未变化，跳过" in capsys.readouterr().out
