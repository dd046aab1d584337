"""Run the office's summary notebook (audit.ipynb) with papermill and export it with nbconvert, as the
annual report is: `python -m ogi_report.audit.notebook FOLDER [--year Y] [--previous DIR] [--out DIR]`
(what `nox -s audit -- FOLDER` runs). Writes OUT/audit.ipynb (executed), OUT/audit-summary.html and the
audit's own outputs (findings.csv, audit.html, figures.csv per report).
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

NOTEBOOK = Path(str(files("ogi_report").joinpath("notebooks", "audit.ipynb")))
TITLE = "政府信息公开工作年度报告审核汇总"


def run_notebook(folder: Path, out: Path, year: int | None = None, previous: Path | None = None,
                 notebook: Path = NOTEBOOK) -> Path:
    """Execute the notebook on `folder`, write the executed notebook and its HTML export into `out`."""
    import nbformat

    from ..build import _clean, execute
    from ..export import ReportHTMLExporter

    out.mkdir(parents=True, exist_ok=True)
    parameters = {"folder": str(folder.resolve()), "year": year, "out": str(out.resolve()),
                  "previous": str(previous.resolve()) if previous else None}
    nb = execute(notebook, out, parameters)
    # What the executed copy shows: the folder's name, not the office's absolute paths.
    _clean(nb, {**parameters, "folder": folder.name, "out": ".", "previous": previous.name if previous else None})
    nb.metadata["ogi_report"] = {"title": TITLE}
    nbformat.write(nb, str(out / "audit.ipynb"))
    page = out / "audit-summary.html"
    page.write_text(ReportHTMLExporter().from_notebook_node(nb)[0], encoding="utf-8")
    return page


def main(argv: list[str] | None = None) -> int:
    from ..build import BuildError
    from ..cli_parser import ChineseArgumentParser, year

    parser = ChineseArgumentParser(prog="python -m ogi_report.audit.notebook", description=TITLE)
    parser.add_argument("folder", type=Path, help="已发布报告所在的文件夹")
    parser.add_argument("--year", type=year, default=None, help="报告年度（报告中读不出年度时使用）")
    parser.add_argument("--previous", type=Path, default=None, help="上一年度报告所在的文件夹")
    parser.add_argument("--out", type=Path, default=Path("outputs/audit"), help="输出文件夹（默认 outputs/audit）")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"错误：找不到文件夹 {args.folder}", file=sys.stderr)
        return 1
    try:
        page = run_notebook(args.folder, args.out, args.year, args.previous)
    except BuildError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"审核汇总：{page}；逐份结果：{args.out / 'audit.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
