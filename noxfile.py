"""Sessions: `report` builds the reports named in params/, `tests` runs pytest, `lint` runs ruff,
`overview` exports a region's overview page, `lab` opens the notebooks in JupyterLab with the project's
kernel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nox

nox.options.sessions = ["report", "tests", "lint"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def report(session: nox.Session) -> None:
    """Build every run in params/ in parallel, or one: `nox -s report -- <agency> [<year> ...]`."""
    _run_cli(session, "build", report_args)


def _run_cli(session: nox.Session, command: str, args_of: Callable[[list[str]], list[str]]) -> None:
    """`ogi-report <command>` with the arguments made from the session's; their ValueError as nox's error."""
    try:
        args = args_of(session.posargs)
    except ValueError as exc:
        session.error(str(exc))
    session.install(".")
    session.run("ogi-report", command, *args)


def report_args(posargs: list[str], root: Path = Path(".")) -> list[str]:
    """The `ogi-report build` arguments for `nox -s report -- [<agency> [<year> ...]]`; ValueError in Chinese.

    A year without params/<agency>/<year>.yaml is built from data/<agency>, when that folder exists.
    """
    if not posargs:
        params = sorted((root / "params").glob("*/*.yaml"))
        if not params:
            raise ValueError("params/ 中没有找到参数文件")
        return ["--params", *(p.relative_to(root).as_posix() for p in params)]
    agency, *years = posargs
    data_dir = Path("data") / agency
    if not years:
        params = sorted((root / "params" / agency).glob("*.yaml"))
        if not params:
            raise ValueError(f"params/{agency}/ 中没有参数文件；请指定年度，如：nox -s report -- {agency} 2021")
        return ["--params", *(p.relative_to(root).as_posix() for p in params)]
    params, unlisted = [], []
    for year in years:
        if not year.isdigit():
            raise ValueError(f"年度“{year}”不是整数年份；用法：nox -s report -- {agency} 2021")
        path = Path("params") / agency / f"{year}.yaml"
        if (root / path).is_file():
            params.append(path.as_posix())
        elif (root / data_dir / "agency.yaml").is_file():
            unlisted.append(year)
        else:
            raise ValueError(f"找不到参数文件 {path.as_posix()}，"
                             f"也没有机构数据文件夹 {data_dir.as_posix()}（应包含 agency.yaml）")
    args = [data_dir.as_posix(), *(a for year in unlisted for a in ("--year", year))] if unlisted else []
    return args + (["--params", *params] if params else [])


@nox.session
def tests(session: nox.Session) -> None:
    """Unit, notebook and backtest tests (pytest)."""
    session.install(".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on the package, the tests and this file."""
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "scripts", "bench", "noxfile.py")


@nox.session(default=False)
def overview(session: nox.Session) -> None:
    """The office's overview page of a region: `nox -s overview -- <region folder> <year>`."""
    _run_cli(session, "overview", overview_args)


def overview_args(posargs: list[str], root: Path = Path(".")) -> list[str]:
    """The `ogi-report overview` arguments for `nox -s overview -- <region> <year>`; ValueError in Chinese.

    The region is a folder with region.yaml, given as a path or by its name under data/."""
    usage = "用法：nox -s overview -- data/<区域文件夹> 2025"
    if len(posargs) != 2:
        raise ValueError(f"需要区域文件夹和年度两个参数；{usage}")
    region, year = posargs
    if not year.isdigit():
        raise ValueError(f"年度“{year}”不是整数年份；{usage}")
    for candidate in (Path(region), Path("data") / region):
        if (root / candidate / "region.yaml").is_file():
            return [candidate.as_posix(), "--year", year]
    raise ValueError(f"找不到区域文件夹 {region}（应包含 region.yaml）；{usage}")


@nox.session(default=False)
def lab(session: nox.Session) -> None:
    """JupyterLab on notebooks/ with the package installed in its kernel."""
    session.install("-e", ".[lab]")
    session.run("jupyter", "lab", "notebooks", *session.posargs)


@nox.session(default=False)
def audit(session: nox.Session) -> None:
    """Audit a folder of published reports and export the office's summary:
    `nox -s audit -- FOLDER [--year Y] [--previous LAST_YEAR_FOLDER] [--out outputs/audit]`."""
    if not session.posargs:
        session.error("请指定已发布报告所在的文件夹，如：nox -s audit -- reports/2024")
    session.install(".")
    session.run("python", "-m", "ogi_report.audit.notebook", *session.posargs)
