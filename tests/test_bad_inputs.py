"""The catalogue in tests/bad_inputs/: each case gives exactly the expected errors and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ogi_report.cli import main

from .conftest import ROOT

CASES = sorted(p for p in (Path(__file__).parent / "bad_inputs").iterdir() if p.is_dir())


def _errors(capsys) -> list[str]:
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).splitlines()
    return [line.strip() for line in lines if line.strip().startswith("错误：")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_prints_exactly_the_expected_errors(case, capsys):
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected, "a case must expect at least one error"
    assert main(["check", str(case), "--year", "2021"]) == 1
    assert _errors(capsys) == expected


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_build_refuses_and_writes_nothing(case, tmp_path, capsys):
    out = tmp_path / "out"
    notebook = ROOT / "notebooks" / "annual_report.ipynb"
    assert main(["build", str(case), "--year", "2021", "--out", str(out), "--notebook", str(notebook)]) == 1
    assert not out.exists() or not any(out.rglob("*.*"))
    assert _errors(capsys) == (case / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_check_does_not_claim_a_report_was_refused(capsys):
    """`check` builds nothing: its summary must not say "报告未生成"."""
    assert main(["check", str(CASES[0]), "--year", "2021"]) == 1
    captured = capsys.readouterr()
    assert "个错误：" in captured.err and "报告未生成" not in captured.out + captured.err
