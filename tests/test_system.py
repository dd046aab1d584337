"""A machine without the CJK fonts gets the exact apt-get fix, not a PDF full of boxes."""

from __future__ import annotations

import subprocess

import pytest

from ogi_report import system
from ogi_report.build import BuildError, preflight


def test_missing_cjk_fonts_name_the_fix(monkeypatch):
    def no_fonts(*args, **kw):
        return subprocess.CompletedProcess(args, 0, stdout="DejaVu Sans\n", stderr="")

    monkeypatch.setattr(system.subprocess, "run", no_fonts)
    with pytest.raises(BuildError) as caught:
        preflight()
    assert "Noto Serif CJK SC" in str(caught.value)
    assert "sudo apt-get install -y fonts-noto-cjk" in str(caught.value)


def test_missing_fontconfig_is_reported_the_same_way(monkeypatch):
    def not_installed(*args, **kw):
        raise FileNotFoundError("fc-list")

    monkeypatch.setattr(system.subprocess, "run", not_installed)
    with pytest.raises(system.MissingSystemPackage, match="fonts-noto-cjk fontconfig"):
        system.check()


def test_missing_harfbuzz_subset_names_the_fix(monkeypatch):
    """Without it WeasyPrint subsets fonts with fontTools and two builds give different PDF bytes."""
    monkeypatch.setattr(system, "subset_library_loaded", lambda: False)
    with pytest.raises(system.MissingSystemPackage, match="sudo apt-get install -y libharfbuzz-subset0"):
        system.check()


def test_this_machine_has_harfbuzz_subset():
    assert system.subset_library_loaded()
