"""Run the overview notebook for a region and year and export the office's page (`ogi-report overview`).

papermill executes notebooks/overview.ipynb (shipped in the package) with the region folder and year;
the executed notebook and one offline HTML file go to outputs/<region>/overview/<year>/ (beside, not
inside, the region's own report folders, which a build replaces whole). They are written to a temporary
folder first and swapped in only when both succeeded, so that a failed run leaves the previous page.
What was found for each member is kept in outputs/<region>/overview/.cache/<year>/ (overview_cache.py).
"""

from __future__ import annotations

import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

from .build import _clean, _publish, execute

NOTEBOOK = Path(str(files("ogi_report") / "notebooks" / "overview.ipynb"))
REPORT_LINK = "../../../{slug}/{year}/report.html"  # from outputs/<region>/overview/<year>/ to a body's report


def destination(region_dir: Path, year: int, out_root: Path) -> Path:
    return out_root / region_dir.resolve().name / "overview" / str(year)


def build_overview(region_dir: str | Path, year: int, out_root: str | Path = "outputs", *, jobs: int = 1,
                   notebook: Path = NOTEBOOK) -> Path:
    """Write overview.ipynb and overview.html to <out_root>/<region>/overview/<year>/; return the page."""
    import nbformat

    from .export import OverviewHTMLExporter
    from .overview import read_region

    region_dir = Path(region_dir).resolve()
    region = read_region(region_dir)  # InputError in Chinese before a kernel starts
    dest = destination(region_dir, year, Path(out_root))
    dest.parent.mkdir(parents=True, exist_ok=True)
    parameters = {"region_dir": str(region_dir), "year": year, "jobs": jobs, "report_link": REPORT_LINK,
                  "cache_dir": str((dest.parent / ".cache" / str(year)).resolve())}
    nb = execute(notebook, dest.parent, parameters)
    _clean(nb, {**parameters, "region_dir": region_dir.name, "cache_dir": f".cache/{year}"})
    nb.metadata["ogi_report"] = {"title": f"{region.name}{year}年度政府信息公开工作概览"}
    page, _ = OverviewHTMLExporter().from_notebook_node(nb)
    work = Path(tempfile.mkdtemp(prefix=f".{year}-", dir=dest.parent))
    work.chmod(0o755)  # mkdtemp makes it private; the page is meant to be read
    try:
        (work / "overview.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
        (work / "overview.html").write_text(page, encoding="utf-8")
        _publish(work, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest / "overview.html"
