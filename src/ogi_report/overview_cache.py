"""What the overview found for a member, kept on disk by the content of its inputs.

The office re-runs the overview while members fix their ledgers; a member whose files, the package's
code and the holiday calendar did not change is then not read again. Entries are JSON (never pickle: an
outputs folder is not a place to execute code from), named by the SHA-256 of everything the result
depends on, and written atomically; an entry that cannot be read is recomputed. This module holds no
counting rule.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from .build import code_hash, inputs_hash
from .problems import Problem

if TYPE_CHECKING:
    from .overview import Body, Member


def key(member: Member, year: int, years: tuple[int, ...]) -> str | None:
    """The entry's name, or None when the member has no folder (nothing to read, nothing to keep)."""
    if member.missing or not member.path.is_dir():
        return None
    # other years' report.yaml decide which years the ledgers are kept for, and the latest date allowed
    reports = sorted(p.parent.name for p in member.path.glob("*/report.yaml"))
    parts = [inputs_hash(member.path, year), code_hash(), version("chinesecalendar"), str(year),
             ",".join(map(str, years)), *reports]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def load(folder: Path, name: str, member: Member) -> Body | None:
    from .overview import Body

    try:
        raw = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        problems = [Problem(**p) for p in raw.pop("problems")]
        series = {int(y): values for y, values in raw.pop("series").items()}
        return Body(member=member, problems=problems, series=series, **raw)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(folder: Path, name: str, body: Body) -> None:
    """Best effort: a folder that cannot be written only loses the speed-up."""
    raw = {f.name: getattr(body, f.name) for f in dataclasses.fields(body) if f.name != "member"}
    raw["problems"] = [dataclasses.asdict(p) for p in body.problems]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp", encoding="utf-8") as f:
            json.dump(raw, f, ensure_ascii=False)
        os.replace(f.name, folder / f"{name}.json")
    except OSError:
        pass


def prune(folder: Path, used: set[str]) -> None:
    """Drop the entries this run did not use (members changed or gone)."""
    for path in folder.glob("*.json") if folder.is_dir() else ():
        if path.stem not in used:
            path.unlink(missing_ok=True)
