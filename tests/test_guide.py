"""docs/使用说明.md, the analyst's guide: it explains every rule the code reports, shows real screenshots
that exist, and the README's quick start leads to it."""

from __future__ import annotations

import re

from .conftest import ROOT

GUIDE = ROOT / "docs" / "使用说明.md"


def rule_ids() -> set[str]:
    """Every rule id the package can report (`rule="I5"` in a Problem, `Balance("O1", ...)` in checks)."""
    found = set()
    for path in (ROOT / "src" / "ogi_report").rglob("*.py"):
        found |= set(re.findall(r'(?:rule=|Balance\()"([A-Z]+\d+)"', path.read_text(encoding="utf-8")))
    return found


def test_the_guide_explains_every_rule_the_code_defines():
    ids = rule_ids()
    assert {"O1", "I1", "I7", "C1", "F1"} <= ids  # the search finds them
    rows = {m.group(1) for m in re.finditer(r"^\| ([A-Z]+\d+) \|", GUIDE.read_text(encoding="utf-8"), re.M)}
    assert ids - rows == set(), "rules without a row in the guide's table"


def test_every_image_the_guide_links_exists_and_every_screenshot_is_linked():
    text = GUIDE.read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert len(linked) >= 4
    for link in linked:
        path = GUIDE.parent / link
        assert path.is_file() and path.read_bytes().startswith(b"\x89PNG"), link
        assert path.stat().st_size < 200_000, f"{link}: screenshots stay small"
    made = {p.relative_to(GUIDE.parent).as_posix() for p in (GUIDE.parent / "images").glob("*.png")}
    assert made == set(linked)


def test_the_screenshots_are_the_ones_the_script_makes():
    script = (ROOT / "scripts" / "make_screenshots.py").read_text(encoding="utf-8")
    for png in (GUIDE.parent / "images").glob("*.png"):
        assert f'"{png.name}"' in script, png.name


def test_readme_quick_start_links_the_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## 快速开始", 1)[1].split("\n## ", 1)[0]
    assert "](docs/使用说明.md)" in quick_start
