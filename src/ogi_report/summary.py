"""What a notebook run tells the build besides its outputs: the report's title and format, the problems
found (warnings only, since errors stop the run) and the ledgers counted as missing.

The notebook's problem-list cell displays it under its own MIME type beside the HTML that JupyterLab
shows, so that the build reads it from the executed notebook instead of loading and checking every
ledger a second time in its own process: pandas and the ledgers are the kernel's work alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .problems import Problem

MIMETYPE = "application/vnd.ogi-report.summary+json"


@dataclass(frozen=True)
class RunSummary:
    title: str
    format_id: str
    problems: tuple[Problem, ...] = ()
    missing_ledgers: tuple[str, ...] = ()
    published: str = ""  # 发布日期 (ISO): once it has passed, the report's figures are public
    empty_ledgers: tuple[str, ...] = ()  # files with a header and no record, said in the log
    editions: tuple[str, ...] | None = None  # report.yaml's 版本; None: all (editions.py)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.warning)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "format": self.format_id,
                "problems": [asdict(p) for p in self.problems], "missing_ledgers": list(self.missing_ledgers),
                "published": self.published, "empty_ledgers": list(self.empty_ledgers),
                "editions": None if self.editions is None else list(self.editions)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunSummary:
        return cls(data["title"], data["format"], tuple(Problem(**p) for p in data["problems"]),
                   tuple(data["missing_ledgers"]), data.get("published", ""), tuple(data.get("empty_ledgers", ())),
                   None if data.get("editions") is None else tuple(data["editions"]))


def find_summary(nb) -> RunSummary | None:
    """The summary an executed notebook displayed, or None when its cell was removed or never ran."""
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            if MIMETYPE in output.get("data", {}):
                return RunSummary.from_json(output["data"][MIMETYPE])
    return None
